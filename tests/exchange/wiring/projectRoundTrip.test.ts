/**
 * Whole projects out and back in through the REST API of a real server: REFI-QDA and cocode JSON
 * keep every code, coding (same words), user, memo and attribute; imported coders become layers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExchangeProject, sourceText } from '../../../server/exchange/model';
import { readQdpx } from '../../../server/exchange/refi/index';
import { type TestServer, startTestServer } from '../../helpers/server';
import { type CodedProject, codedProject, download, upload } from './fixtures';

let server: TestServer;
let coded: CodedProject;

beforeAll(async () => {
  server = await startTestServer();
  coded = await codedProject(server);
});
afterAll(async () => {
  await server.dispose();
});

/** What must survive a round trip, without ids: codes by path, codings by their words, users by name. */
function fingerprint(project: ExchangeProject) {
  const codes = new Map(project.codes.map((code) => [code.id, code]));
  const path = (id: string): string => {
    const code = codes.get(id);
    if (!code) throw new Error(`no code ${id}`);
    return code.parentId ? `${path(code.parentId)} > ${code.name}` : code.name;
  };
  const users = new Map(project.users.map((user) => [user.id, user.name]));
  const sources = new Map(project.sources.map((source) => [source.id, source]));
  return {
    codes: project.codes
      .map((code) => ({ path: path(code.id), color: code.color, definition: code.definition, inclusion: code.inclusion, archived: code.archived }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    codings: project.codings
      .map((coding) => {
        const source = sources.get(coding.sourceId);
        if (!source) throw new Error(`no source ${coding.sourceId}`);
        const layer = coding.layer.kind === 'consensus' ? 'Consensus' : users.get(coding.layer.userId);
        return [source.title, layer, path(coding.codeId), sourceText(source).slice(coding.start, coding.end), coding.memo].join(' | ');
      })
      .sort(),
    users: [...new Set(project.users.map((user) => user.name))].sort(),
    sources: project.sources.map((source) => ({ title: source.title, text: sourceText(source), attributes: source.attributes })).sort((a, b) => a.title.localeCompare(b.title)),
  };
}

async function exportQdpx(projectId: string, query = '') {
  const exported = await download(coded.owner.api, `/projects/${projectId}/export?format=qdpx${query}`);
  expect(exported.status).toBe(200);
  return exported.bytes;
}

describe('project import and export', () => {
  it('a .qdpx export imported again keeps every code, coding, user, memo and attribute', async () => {
    const first = await exportQdpx(coded.projectId);
    const imported = await upload(coded.owner.api, '/projects/import', [{ field: 'file', fileName: 'study.qdpx', content: first }]);
    expect(imported.status).toBe(201);
    expect(imported.body.project).toMatchObject({ name: 'Study', role: 'owner', blind: true });
    expect(imported.body.report).toMatchObject({ sources: 2, codes: 4, codings: 8, users: 3, notes: 3, offsets: 'codepoints', skipped: [] });
    // REFI-QDA users carry no email, so every coder of the file is an imported coder.
    expect(imported.body.report.coders.map((coder: { name: string; as: string }) => `${coder.name}:${coder.as}`).sort()).toEqual([
      'Owner:placeholder',
      'coder 0:placeholder',
      'coder 1:placeholder',
    ]);

    const second = await exportQdpx(imported.body.project.id);
    const before = fingerprint(readQdpx(first).project);
    const after = fingerprint(readQdpx(second).project);
    expect(after.codes).toEqual(before.codes);
    expect(after.codings).toEqual(before.codings);
    expect(after.sources).toEqual(before.sources);
    expect(after.users).toEqual(before.users);
    expect(before.codings).toHaveLength(8);
    expect(before.codings.some((row) => row.includes('by the board | '))).toBe(true);
  });

  it('a UTF-16 (NVivo-style) export is detected as such and lands on the same words', async () => {
    const utf16 = await exportQdpx(coded.projectId, '&offsets=utf16');
    const imported = await upload(coded.owner.api, '/projects/import', [{ field: 'file', fileName: 'nvivo.qdpx', content: utf16 }]);
    expect(imported.status).toBe(201);
    expect(imported.body.report.offsets).toBe('utf16');
    const again = await exportQdpx(imported.body.project.id);
    expect(fingerprint(readQdpx(again).project).codings).toEqual(fingerprint(readQdpx(await exportQdpx(coded.projectId)).project).codings);
  });

  it('imported coders are members by name with layers, and their placeholder accounts cannot sign in', async () => {
    const imported = await upload(coded.owner.api, '/projects/import', [{ field: 'file', fileName: 'study.qdpx', content: await exportQdpx(coded.projectId) }]);
    const projectId = imported.body.project.id;
    const { body } = await coded.owner.api.get(`/projects/${projectId}/members`);
    const placeholder = body.members.find((member: { name: string; role: string }) => member.name === 'coder 0');
    expect(placeholder.role).toBe('coder');
    expect(placeholder.email).toMatch(/@imported\.invalid$/);
    for (const password of ['', 'correct horse battery', 'cocode-demo'])
      expect((await coded.owner.api.as(null).post('/auth/login', { email: placeholder.email, password })).status).toBe(401);
    const documents = (await coded.owner.api.get(`/projects/${projectId}/documents`)).body;
    const layer = await coded.owner.api.get(`/projects/${projectId}/documents/${documents[0].id}/codings?layer=${placeholder.userId}`);
    expect(layer.status).toBe(200);
    expect(layer.body.map((coding: { text: string }) => coding.text).sort()).toEqual(['Protected time, mostly', 'by the board', 'Every decision needs three sign-offs'].sort());
    // Documents keep the file's order and their attributes in the relational record (SPEC C5).
    expect(documents.map((document: { title: string; attributes: object }) => [document.title, document.attributes])).toEqual([
      ['P1 GP interview', { role: 'GP', site: 'North' }],
      ['P2 manager interview', { role: 'Manager', site: 'South' }],
    ]);
  });

  it('a cocode JSON export imported again exports the same file, apart from ids and times', async () => {
    const first = await download(coded.owner.api, `/projects/${coded.projectId}/export?format=json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const imported = await upload(coded.owner.api, '/projects/import', [{ field: 'file', fileName: 'study.json', content: first.bytes }]);
    expect(imported.status).toBe(201);
    // The file's emails name accounts of this server: the importer, and two coders added as members.
    expect(imported.body.report.coders.map((coder: { as: string }) => coder.as).sort()).toEqual(['importer', 'member', 'member']);
    const second = await download(coded.owner.api, `/projects/${imported.body.project.id}/export?format=json`);
    expect(withoutIds(JSON.parse(second.text))).toEqual(withoutIds(JSON.parse(first.text)));
    // The coders see the project they were added to.
    const coderProjects = (await coded.coders[0].api.get('/projects')).body.map((project: { id: string }) => project.id);
    expect(coderProjects).toContain(imported.body.project.id);
  });

  it('CSV, codebook and HTML exports have their types and safe file names', async () => {
    const csv = await download(coded.owner.api, `/projects/${coded.projectId}/export?format=csv&bom=1`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="Study-codings.csv"; filename*=UTF-8''Study-codings.csv`);
    expect([...csv.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.text.split('\r\n').filter((line) => line.length > 0)).toHaveLength(1 + 8);
    const qdc = await download(coded.owner.api, `/projects/${coded.projectId}/export?format=qdc`);
    expect(qdc.text).toContain('name="Protected time"');
    const html = await download(coded.owner.api, `/projects/${coded.projectId}/export?format=html&document=${coded.documentIds[0]}`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="Study-P1-GP-interview\.html"/);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html.text).toContain('time is the enabler');

    const renamed = await coded.owner.api.patch(`/projects/${coded.projectId}`, { name: 'Étude "North"/../ évaluation' });
    expect(renamed.status).toBe(200);
    const named = await download(coded.owner.api, `/projects/${coded.projectId}/export?format=codebook-csv`);
    expect(named.headers.get('content-disposition')).toBe(
      `attachment; filename="Etude-North-.-evaluation-codebook.csv"; filename*=UTF-8''%C3%89tude-North-.-%C3%A9valuation-codebook.csv`,
    );
    await coded.owner.api.patch(`/projects/${coded.projectId}`, { name: 'Study' });
  });

  it('bad export parameters are refused with the parameter named', async () => {
    const cases: [string, number, string][] = [
      ['format=pdf', 400, 'validation_failed'],
      ['format=html', 400, 'document_required'],
      ['format=csv&offsets=utf16', 400, 'invalid_parameter'],
      ['format=qdpx&bom=1', 400, 'invalid_parameter'],
      ['format=qdc&layer=all', 400, 'invalid_parameter'],
      ['format=json&document=nope', 404, 'not_found'],
      ['format=json&surprise=1', 400, 'validation_failed'],
    ];
    for (const [query, status, code] of cases) {
      const response = await coded.owner.api.get(`/projects/${coded.projectId}/export?${query}`);
      expect([query, response.status, response.body.error.code]).toEqual([query, status, code]);
    }
  });
});

/** The project file with every id replaced by its first-seen position and project-level times dropped. */
function withoutIds(file: { project: ExchangeProject }) {
  const ids = new Map<string, string>();
  const id = (value: string) => {
    if (!ids.has(value)) ids.set(value, `#${ids.size}`);
    return ids.get(value) as string;
  };
  const { project } = file;
  // Users in name order, so the numbering does not depend on the member list's order.
  const users = [...project.users].sort((a, b) => a.name.localeCompare(b.name)).map((user) => ({ ...user, id: id(user.id) }));
  return {
    ...project,
    users,
    codes: project.codes.map((code) => ({ ...code, id: id(code.id), parentId: code.parentId === null ? null : id(code.parentId) })),
    sources: project.sources.map((source) => ({ ...source, id: id(source.id) })),
    codings: project.codings
      .map((coding) => ({
        ...coding,
        id: undefined,
        sourceId: id(coding.sourceId),
        codeId: id(coding.codeId),
        createdBy: id(coding.createdBy),
        layer: coding.layer.kind === 'coder' ? { kind: 'coder', userId: id(coding.layer.userId) } : coding.layer,
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  };
}
