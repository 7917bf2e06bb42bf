/**
 * Blind mode in exports (SPEC A3) and refused imports (SPEC V1): each refusal has its status and
 * code, and leaves no project, account or document behind.
 */
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { type TestServer, registerUser, startTestServer } from '../../helpers/server';
import { type CodedProject, codedProject, download, upload } from './fixtures';

let server: TestServer;
let coded: CodedProject;

beforeAll(async () => {
  server = await startTestServer({ limits: { ...defaultLimits, importMaxBytes: 64 * 1024 } });
  coded = await codedProject(server, { blind: true });
});
afterAll(async () => {
  await server.dispose();
});

describe('[A3] exports in blind mode', () => {
  it("a blind coder's export holds their own layer only, whatever layer they ask for", async () => {
    const [coder, other] = coded.coders;
    const own = JSON.parse((await download(coder.api, `/projects/${coded.projectId}/export?format=json`)).text);
    expect(own.project.codings).toHaveLength(4);
    expect(new Set(own.project.codings.map((coding: { layer: { userId?: string } }) => coding.layer.userId))).toEqual(new Set([coder.id]));
    const csv = await download(coder.api, `/projects/${coded.projectId}/export?format=csv`);
    expect(csv.text.split('\r\n').filter((line) => line.length > 0)).toHaveLength(1 + 4);
    const html = await download(coder.api, `/projects/${coded.projectId}/export?format=html&document=${coded.documentIds[0]}`);
    expect(html.text).toContain('time is the enabler');
    expect(html.text).not.toContain('two barriers in one');
    expect(html.text).not.toContain('agreed after discussion');

    for (const layer of ['consensus', other.id]) {
      const refused = await coder.api.get(`/projects/${coded.projectId}/export?format=qdpx&layer=${layer}`);
      expect([layer, refused.status, refused.body.error.code]).toEqual([layer, 403, 'forbidden']);
    }
    // The owner sees every layer.
    const all = JSON.parse((await download(coded.owner.api, `/projects/${coded.projectId}/export?format=json`)).text);
    expect(all.project.codings).toHaveLength(8);
  });

  it('someone outside the project learns nothing: 404 for exports, imports into it and its pseudonyms', async () => {
    const outsider = await registerUser(server, 'Outsider');
    expect((await outsider.api.get(`/projects/${coded.projectId}/export?format=json`)).status).toBe(404);
    expect((await outsider.api.get(`/projects/${coded.projectId}/pseudonyms`)).status).toBe(404);
    const upload404 = await upload(outsider.api, `/projects/${coded.projectId}/documents/import`, [{ field: 'file', fileName: 'x.txt', content: 'A: hello' }]);
    expect(upload404.status).toBe(404);
    // A coder may not import transcripts, nor see the mapping of real names.
    const [coder] = coded.coders;
    expect((await upload(coder.api, `/projects/${coded.projectId}/documents/import`, [{ field: 'file', fileName: 'x.txt', content: 'A: hello' }])).status).toBe(403);
    const mapping = await coder.api.get(`/projects/${coded.projectId}/pseudonyms`);
    expect([mapping.status, mapping.body.error.message]).toEqual([403, 'only project owners see and change the pseudonymisation mapping']);
  });
});

describe('[V1] refused project imports write nothing', () => {
  const zipBomb = zipSync({ 'project.qde': new Uint8Array(4 * 1024 * 1024) }, { level: 9 });
  const cases: { name: string; fileName: string; content: string | Uint8Array; status: number; code: string; field?: string }[] = [
    { name: 'an unsupported type', fileName: 'notes.pdf', content: '%PDF-1.7', status: 415, code: 'unsupported_type' },
    { name: 'an oversized file', fileName: 'big.json', content: ' '.repeat(65 * 1024), status: 413, code: 'import_too_large' },
    { name: 'a zip bomb', fileName: 'bomb.qdpx', content: zipBomb, status: 413, code: 'zip_ratio_too_high' },
    { name: 'bad JSON', fileName: 'broken.json', content: '{"format": "cocode-project", "version": 1,', status: 400, code: 'malformed_json' },
    { name: 'a .qdpx that is not a zip', fileName: 'plain.qdpx', content: '<Project/>', status: 400, code: 'not_a_zip' },
    {
      name: 'a project file whose coding lies outside its text',
      fileName: 'outside.json',
      content: JSON.stringify({
        format: 'cocode-project',
        version: 1,
        project: {
          name: 'Outside',
          blind: true,
          users: [{ id: 'u', name: 'U' }],
          codes: [{ id: 'c', name: 'C', parentId: null, order: 0, color: '#112233', definition: '', inclusion: '', exclusion: '', example: '', archived: false }],
          sources: [{ id: 's', title: 'S', turns: [{ speaker: 'A', timestamp: null, text: 'short' }], attributes: {} }],
          codings: [{ id: 'k', sourceId: 's', layer: { kind: 'coder', userId: 'u' }, codeId: 'c', start: 0, end: 99, memo: '', createdAt: '2025-01-01T00:00:00Z', createdBy: 'u' }],
        },
      }),
      status: 400,
      code: 'offset_out_of_range',
    },
    { name: 'a file under another field name', fileName: 'study.json', content: '{}', status: 400, code: 'unexpected_file', field: 'upload' },
  ];

  for (const refusal of cases) {
    it(`${refusal.name}: ${refusal.status} ${refusal.code}`, async () => {
      const projectsBefore = (await coded.owner.api.get('/projects')).body.length;
      const usersBefore = await server.storage.relational.countUsers();
      const response = await upload(coded.owner.api, '/projects/import', [{ field: refusal.field ?? 'file', fileName: refusal.fileName, content: refusal.content }]);
      expect([response.status, response.body.error.code]).toEqual([refusal.status, refusal.code]);
      expect(response.body.error.message.length).toBeGreaterThan(10);
      expect((await coded.owner.api.get('/projects')).body).toHaveLength(projectsBefore);
      expect(await server.storage.relational.countUsers()).toBe(usersBefore);
    });
  }

  it('a request without a file, or without a credential, is refused before anything is read', async () => {
    expect((await upload(coded.owner.api, '/projects/import', [], { note: 'no file' })).body.error.code).toBe('no_file');
    expect((await upload(coded.owner.api.as(null), '/projects/import', [{ field: 'file', fileName: 'a.json', content: '{}' }])).status).toBe(401);
  });
});
