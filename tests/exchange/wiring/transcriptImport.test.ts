/**
 * Transcript files into a project: per-file results for a mixed batch (a refused file leaves
 * nothing, the others go on), attribute sheets, the owner-only pseudonymisation mapping applied to
 * later imports, the preview that writes nothing, and codebook merges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, type TestUser, projectWithMembers, startTestServer } from '../../helpers/server';
import { download, upload } from './fixtures';

let server: TestServer;
let owner: TestUser;
let coder: TestUser;
let projectId: string;

beforeAll(async () => {
  server = await startTestServer();
  const setup = await projectWithMembers(server, ['coder']);
  owner = setup.owner;
  coder = setup.members[0];
  projectId = setup.project.id;
});
afterAll(async () => {
  await server.dispose();
});

const documentTitles = async () => (await owner.api.get(`/projects/${projectId}/documents`)).body.map((document: { title: string }) => document.title);
const documentText = async (id: string) => (await owner.api.get(`/projects/${projectId}/documents/${id}`)).body.text as string;

describe('transcript import', () => {
  it('a mixed batch gets one result per file; refused files leave nothing and the others are imported', async () => {
    const stored = await owner.api.request('PUT', `/projects/${projectId}/pseudonyms`, { mapping: [{ original: 'Dr Jane Smith', replacement: '[GP-1]' }] });
    expect(stored.status).toBe(200);
    const response = await upload(
      owner.api,
      `/projects/${projectId}/documents/import`,
      [
        { field: 'file', fileName: 'P3 Smith interview.txt', content: 'Interviewer: Tell me about Dr Jane Smith.\nGP: I trained with Northfield Trust for years.' },
        { field: 'file', fileName: 'slides.pdf', content: '%PDF-1.7' },
        { field: 'file', fileName: 'empty.txt', content: '' },
        {
          field: 'file',
          fileName: 'P4 captions.vtt',
          content: 'WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How is the week going?\n\n00:00:05.000 --> 00:00:09.000\n<v Nurse>Busy, Northfield Trust is short of staff.\n',
        },
        { field: 'attributes', fileName: 'participants.csv', content: 'document title,role,site\nP3 Smith interview,GP,North\nP4 captions,Nurse,South\n' },
      ],
      { pseudonyms: JSON.stringify([{ original: 'Northfield Trust', replacement: '[Trust-A]' }]) },
    );
    expect(response.status).toBe(207);
    expect(response.body.map((result: { file: string; ok: boolean; error?: { code: string } }) => [result.file, result.ok, result.error?.code])).toEqual([
      ['P3 Smith interview.txt', true, undefined],
      ['slides.pdf', false, 'unsupported_type'],
      ['empty.txt', false, 'empty_transcript'],
      ['P4 captions.vtt', true, undefined],
    ]);
    const [first, , , fourth] = response.body;
    expect(first.document).toMatchObject({ title: 'P3 Smith interview', attributes: { role: 'GP', site: 'North' }, turns: 2, pseudonymsReplaced: 2 });
    expect(fourth.document).toMatchObject({ title: 'P4 captions', attributes: { role: 'Nurse', site: 'South' }, pseudonymsReplaced: 1 });
    expect(await documentTitles()).toEqual(['P3 Smith interview', 'P4 captions']);
    const text = await documentText(first.document.id);
    expect(text).toBe('Tell me about [GP-1].\nI trained with [Trust-A] for years.');
    expect(await documentText(fourth.document.id)).not.toContain('Northfield');
    // The request's names joined the stored mapping.
    expect((await owner.api.get(`/projects/${projectId}/pseudonyms`)).body.mapping).toEqual([
      { original: 'Dr Jane Smith', replacement: '[GP-1]' },
      { original: 'Northfield Trust', replacement: '[Trust-A]' },
    ]);
  });

  it('the stored mapping is applied to later imports; a conflicting label is refused and imports nothing', async () => {
    const later = await upload(owner.api, `/projects/${projectId}/documents/import`, [
      { field: 'file', fileName: 'P5.md', content: '**Interviewer:** Where did you work?\n\n**GP:** At northfield  trust, with Dr Jane Smith.' },
    ]);
    expect(later.status).toBe(207);
    expect(later.body[0].ok).toBe(true);
    expect(await documentText(later.body[0].document.id)).toContain('At [Trust-A], with [GP-1].');

    const before = await documentTitles();
    const conflicting = await upload(owner.api, `/projects/${projectId}/documents/import`, [{ field: 'file', fileName: 'P6.txt', content: 'A: Dr Jane Smith again' }], {
      pseudonyms: JSON.stringify([{ original: 'dr jane smith', replacement: '[GP-9]' }]),
    });
    expect([conflicting.status, conflicting.body.error.code]).toEqual([409, 'pseudonym_conflict']);
    const badPattern = await upload(owner.api, `/projects/${projectId}/documents/import`, [{ field: 'file', fileName: 'P6.txt', content: 'A: hello' }], {
      speakerPattern: 'shouting',
    });
    expect([badPattern.status, badPattern.body.error.code]).toEqual([400, 'invalid_speaker_pattern']);
    expect(await documentTitles()).toEqual(before);
  });

  it('the mapping is owners only and is checked like any mapping', async () => {
    expect((await coder.api.get(`/projects/${projectId}/pseudonyms`)).status).toBe(403);
    expect((await coder.api.request('PUT', `/projects/${projectId}/pseudonyms`, { mapping: [] })).status).toBe(403);
    const leaking = await owner.api.request('PUT', `/projects/${projectId}/pseudonyms`, { mapping: [{ original: 'Smith', replacement: 'Mr Smith' }] });
    expect([leaking.status, leaking.body.error.code]).toEqual([400, 'pseudonym_leaks_name']);
    const shaped = await owner.api.request('PUT', `/projects/${projectId}/pseudonyms`, { mapping: [{ original: 'Smith' }] });
    expect([shaped.status, shaped.body.error.code]).toEqual([400, 'validation_failed']);
  });

  it('a preview shows the turns and speakers a file would give, and writes nothing', async () => {
    const before = await documentTitles();
    const preview = await upload(owner.api, `/projects/${projectId}/documents/preview`, [
      { field: 'file', fileName: 'P7.txt', content: '[00:00:05] Interviewer: First question.\n[00:00:09] GP: First answer.\n[00:00:20] GP: More.' },
    ]);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ file: 'P7.txt', format: 'txt', characters: 35 });
    expect(preview.body.turns[1]).toEqual({ speaker: 'GP', timestamp: '00:00:09', text: 'First answer.' });
    expect(preview.body.speakers[0]).toEqual({ speaker: 'GP', turns: 2, characters: 18 });
    expect(await documentTitles()).toEqual(before);
    const twoFiles = await upload(owner.api, `/projects/${projectId}/documents/preview`, [
      { field: 'file', fileName: 'a.txt', content: 'A: x' },
      { field: 'file', fileName: 'b.txt', content: 'B: y' },
    ]);
    expect([twoFiles.status, twoFiles.body.error.code]).toEqual([400, 'unexpected_file']);
  });

  it('a .qdc merges into the codebook: codes named the same under the same parent are kept, the rest added', async () => {
    const source = await projectWithMembers(server, []);
    const sourceApi = source.owner.api;
    const barriers = (await sourceApi.post(`/projects/${source.project.id}/codes`, { name: 'Barriers', color: '#d62728' })).body;
    await sourceApi.post(`/projects/${source.project.id}/codes`, { name: 'Staffing', parentId: barriers.id });
    await sourceApi.post(`/projects/${source.project.id}/codes`, { name: 'Funding' });
    const qdc = await download(sourceApi, `/projects/${source.project.id}/export?format=qdc`);

    const existing = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'barriers' })).body;
    const merged = await upload(owner.api, `/projects/${projectId}/codebook/import`, [{ field: 'file', fileName: 'codebook.qdc', content: qdc.bytes }]);
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ added: 2, kept: 1 });
    expect(merged.body.codes.map((code: { path: string; status: string }) => `${code.path}:${code.status}`)).toEqual([
      'Barriers:kept',
      'Barriers > Staffing:added',
      'Funding:added',
    ]);
    const codes = (await owner.api.get(`/projects/${projectId}/codes`)).body;
    expect(codes.find((code: { name: string }) => code.name === 'Staffing').parentId).toBe(existing.id);
    // Importing it again adds nothing.
    const again = await upload(owner.api, `/projects/${projectId}/codebook/import`, [{ field: 'file', fileName: 'codebook.qdc', content: qdc.bytes }]);
    expect(again.body).toMatchObject({ added: 0, kept: 3 });
    expect((await upload(coder.api, `/projects/${projectId}/codebook/import`, [{ field: 'file', fileName: 'codebook.qdc', content: qdc.bytes }])).status).toBe(403);
    const wrongType = await upload(owner.api, `/projects/${projectId}/codebook/import`, [{ field: 'file', fileName: 'codebook.csv', content: 'a,b' }]);
    expect([wrongType.status, wrongType.body.error.code]).toEqual([415, 'unsupported_type']);
  });
});
