/** REST: accounts, sessions, projects, codebook, documents, codings, and every validation path (SPEC A1, A5, V1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, projectWithMembers, registerUser, startTestServer, type TestServer, type TestUser } from '../helpers/server';

describe('accounts and sessions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ openRegistration: false });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('[A1] the first account is the instance admin; later ones need an invitation', async () => {
    const admin = await registerUser(server, 'Admin', 'admin@example.org');
    expect((await admin.api.get('/me')).body.user).toMatchObject({ email: 'admin@example.org', isAdmin: true });
    const refused = await new Api(server.url).post('/auth/register', { email: 'x@example.org', password: 'long enough pw', name: 'X' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/invitation/);

    const project = (await admin.api.post('/projects', { name: 'Study' })).body;
    expect(project.blind).toBe(true); // SPEC A3: blind by default
    const invite = await admin.api.post(`/projects/${project.id}/members`, { email: 'Nurse@Example.org', role: 'coder' });
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ invited: true, email: 'nurse@example.org' });
    const nurse = await registerUser(server, 'Nurse', 'nurse@example.org');
    expect((await nurse.api.get('/me')).body.user.isAdmin).toBe(false);
    const members = (await admin.api.get(`/projects/${project.id}/members`)).body;
    expect(members.members.map((m: { email: string; role: string }) => [m.email, m.role]).sort()).toEqual([
      ['admin@example.org', 'owner'],
      ['nurse@example.org', 'coder'],
    ]);
    expect(members.invitations).toEqual([]);
  });

  it('[A1] sign-in sets an httpOnly SameSite cookie that authenticates like the bearer token; sign-out ends it', async () => {
    const anonymous = new Api(server.url);
    const login = await anonymous.post('/auth/login', { email: 'admin@example.org', password: 'correct horse battery' });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/cocode_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const sessionCookie = cookie.split(';')[0];
    const me = await anonymous.request('GET', '/me', undefined, { cookie: sessionCookie });
    expect(me.body.user.email).toBe('admin@example.org');
    expect((await anonymous.as(login.body.token).get('/projects')).status).toBe(200);
    expect((await anonymous.request('POST', '/auth/logout', {}, { cookie: sessionCookie })).status).toBe(204);
    expect((await anonymous.request('GET', '/me', undefined, { cookie: sessionCookie })).status).toBe(401);
    expect((await anonymous.as(login.body.token).get('/me')).status).toBe(401);
  });

  it('[A1] wrong passwords and unknown accounts get the same 401', async () => {
    const anonymous = new Api(server.url);
    const wrong = await anonymous.post('/auth/login', { email: 'admin@example.org', password: 'nope nope nope' });
    const unknown = await anonymous.post('/auth/login', { email: 'ghost@example.org', password: 'nope nope nope' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('[A6] sign-in attempts per account are rate limited', async () => {
    const anonymous = new Api(server.url);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1)
      statuses.push((await anonymous.post('/auth/login', { email: 'nurse@example.org', password: 'wrong password' })).status);
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('[V1] registration input is validated field by field', async () => {
    const anonymous = new Api(server.url);
    const badEmail = await anonymous.post('/auth/register', { email: 'not-an-email', password: 'long enough pw', name: 'X' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.message).toMatch(/^email:/);
    const missing = await anonymous.post('/auth/register', { email: 'a@example.org' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/password/);
    expect(missing.body.error.message).toMatch(/name/);
  });

  it('[A1] every API route except sign-in answers 401 without credentials, in the error format', async () => {
    const response = await new Api(server.url).get('/projects');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });
});

describe('projects, codebook, documents and codings', () => {
  let server: TestServer;
  let owner: TestUser;
  let coder: TestUser;
  let stranger: TestUser;
  let projectId: string;
  let documentId: string;
  let codeId: string;
  let text: string;

  beforeAll(async () => {
    server = await startTestServer();
    const setup = await projectWithMembers(server, ['coder']);
    owner = setup.owner;
    coder = setup.members[0];
    projectId = setup.project.id;
    stranger = await registerUser(server, 'Stranger');
    codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Blocker', definition: 'Hinders leadership' })).body.id;
    const document = await owner.api.post(`/projects/${projectId}/documents`, {
      title: 'Interview 7',
      text: `[00:00:05] Interviewer: Tell me about the board.\nHWB member: It meets monthly.\nIt is chaired by a councillor 😀 mostly.\n\nP3: We rarely agree.`,
      attributes: { role: 'HWB member', site: 'County' },
    });
    expect(document.status).toBe(201);
    documentId = document.body.id;
    text = (await owner.api.get(`/projects/${projectId}/documents/${documentId}`)).body.text;
  });
  afterAll(async () => {
    await server.dispose();
  });

  const codingsPath = () => `/projects/${projectId}/documents/${documentId}/codings`;

  it('detects speaker turns and timestamps and serves one canonical text', async () => {
    const document = (await coder.api.get(`/projects/${projectId}/documents/${documentId}`)).body;
    expect(document.turns.map((t: { speaker: string; timestamp: string | null }) => [t.speaker, t.timestamp])).toEqual([
      ['Interviewer', '00:00:05'],
      ['HWB member', null],
      ['P3', null],
    ]);
    expect(document.text).toBe('Tell me about the board.\nIt meets monthly. It is chaired by a councillor 😀 mostly.\nWe rarely agree.');
    expect(document.attributes).toEqual({ role: 'HWB member', site: 'County' });
    for (const turn of document.turns) expect(document.text.slice(turn.start, turn.end)).not.toContain('\n');
  });

  it('non-members learn nothing: 404 for the project and its documents', async () => {
    expect((await stranger.api.get(`/projects/${projectId}`)).status).toBe(404);
    expect((await stranger.api.get(`/projects/${projectId}/documents/${documentId}`)).status).toBe(404);
    expect((await stranger.api.get(`${codingsPath()}?layer=me`)).status).toBe(404);
  });

  it('[V1][K1][K2][K4] every invalid coding is refused with a specific message and writes nothing', async () => {
    const emoji = text.indexOf('😀');
    const archived = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Old', archived: true })).body.id;
    const cases: [unknown, number, RegExp][] = [
      [{ codeId: 'no-such-code', start: 0, end: 4 }, 400, /no code no-such-code/],
      [{ codeId, start: 6, end: 6 }, 400, /must be less than end/],
      [{ codeId, start: 9, end: 3 }, 400, /must be less than end/],
      [{ codeId, start: 0, end: 100_000 }, 400, /outside the text/],
      [{ codeId, start: -1, end: 3 }, 400, /start: must be 0 or more/],
      [{ codeId, start: 1.5, end: 3 }, 400, /start: must be a whole number/],
      [{ codeId, start: '1', end: 3 }, 400, /start:/],
      [{ codeId, start: 0 }, 400, /end:/],
      [{ codeId, start: emoji + 1, end: emoji + 5 }, 400, /surrogate pair/],
      [{ codeId, start: 0, end: 4, colour: 'red' }, 400, /colour/],
      [{ codeId: archived, start: 0, end: 4 }, 400, /archived/],
      [{ codeId, start: 0, end: 4, memo: 'x'.repeat(10_001) }, 400, /memo: at most/],
      [{ codeId, start: 0, end: 4, layer: 'someone-else' }, 400, /layer/],
      [[1, 2, 3], 400, /JSON object/],
    ];
    for (const [body, status, message] of cases) {
      const response = await coder.api.post(codingsPath(), body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(response.body.error.message).toMatch(message);
    }
    const malformed = await coder.api.request('POST', codingsPath(), '{"codeId": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_json');
    const oversized = await coder.api.post(codingsPath(), { codeId, start: 0, end: 4, memo: 'x'.repeat(3 * 1024 * 1024) });
    expect(oversized.status).toBe(413);
    const newline = text.indexOf('\n');
    expect((await coder.api.post(codingsPath(), { codeId, start: newline, end: newline + 1 })).body.error.code).toBe('empty_range');
    expect((await coder.api.get(`${codingsPath()}?layer=me`)).body).toEqual([]);
  });

  it('[K1][K3] a valid coding round-trips with its exact words, memo edits and code changes, and deletion', async () => {
    const start = text.indexOf('councillor 😀');
    const created = await coder.api.post(codingsPath(), { codeId, start, end: start + 'councillor 😀'.length, memo: 'who chairs' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ text: 'councillor 😀', memo: 'who chairs', codeId, coder: coder.id, status: 'ok' });
    const other = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler' })).body.id;
    const patched = await coder.api.patch(`${codingsPath()}/${created.body.id}`, { memo: 'chair', codeId: other });
    expect(patched.body).toMatchObject({ memo: 'chair', codeId: other, text: 'councillor 😀' });
    // Adjusting the boundaries re-anchors the same coding (same id, memo kept) on the new words.
    const wider = text.indexOf('chaired by a councillor 😀');
    const adjusted = await coder.api.patch(`${codingsPath()}/${created.body.id}`, { start: wider, end: wider + 'chaired by a councillor 😀'.length });
    expect(adjusted.body).toMatchObject({ id: created.body.id, memo: 'chair', text: 'chaired by a councillor 😀', status: 'ok' });
    expect((await coder.api.patch(`${codingsPath()}/${created.body.id}`, { start: 3 })).body.error.code).toBe('partial_range');
    expect((await coder.api.patch(`${codingsPath()}/${created.body.id}`, { start: 5, end: 2 })).body.error.code).toBe('empty_range');
    expect((await coder.api.delete(`${codingsPath()}/${created.body.id}`)).status).toBe(204);
    expect((await coder.api.delete(`${codingsPath()}/${created.body.id}`)).status).toBe(404);
    expect((await coder.api.get(`${codingsPath()}?layer=me`)).body).toEqual([]);
  });

  it('[V1] codebook edits are validated: duplicates, unknown parents, cycles, colours, codes in use', async () => {
    const parent = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Mode of engagement', color: '#1565c0' })).body;
    const child = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Formal role', parentId: parent.id })).body;
    expect(child.parentId).toBe(parent.id);
    expect((await owner.api.post(`/projects/${projectId}/codes`, { name: 'formal role', parentId: parent.id })).status).toBe(409);
    expect((await owner.api.post(`/projects/${projectId}/codes`, { name: 'X', parentId: 'nope' })).body.error.code).toBe('unknown_parent');
    expect((await owner.api.patch(`/projects/${projectId}/codes/${parent.id}`, { parentId: child.id })).body.error.code).toBe('cycle');
    expect((await owner.api.post(`/projects/${projectId}/codes`, { name: 'Y', color: 'blue' })).body.error.message).toMatch(/^color:/);
    expect((await owner.api.post(`/projects/${projectId}/codes`, { name: '   ' })).body.error.message).toMatch(/^name:/);
    expect((await owner.api.delete(`/projects/${projectId}/codes/${parent.id}`)).body.error.code).toBe('code_has_children');
    await coder.api.post(codingsPath(), { codeId: child.id, start: 0, end: 4 });
    expect((await owner.api.delete(`/projects/${projectId}/codes/${child.id}`)).body.error.code).toBe('code_in_use');
    expect((await coder.api.patch(`/projects/${projectId}/codes/${child.id}`, { name: 'Z' })).status).toBe(403);
  });

  it('merging a code moves every coding to the target and keeps them all', async () => {
    const source = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Trust' })).body.id;
    const target = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Relationships' })).body.id;
    await coder.api.post(codingsPath(), { codeId: source, start: 0, end: 4 });
    await owner.api.post(codingsPath(), { codeId: source, start: 5, end: 9, layer: 'consensus' });
    const before = (await owner.api.get(`${codingsPath()}?layer=all`)).body.length;
    const merged = await owner.api.post(`/projects/${projectId}/codes/${source}/merge`, { intoCodeId: target });
    expect(merged.body).toEqual({ moved: 2 });
    const after = (await owner.api.get(`${codingsPath()}?layer=all`)).body as { codeId: string }[];
    expect(after).toHaveLength(before);
    expect(after.filter((c) => c.codeId === source)).toEqual([]);
    expect((await owner.api.get(`/projects/${projectId}/codes`)).body.some((c: { id: string }) => c.id === source)).toBe(false);
  });

  it('[V1] document, project and member input is validated', async () => {
    expect((await owner.api.post(`/projects/${projectId}/documents`, { title: 'Empty', text: '   \n  ' })).body.error.code).toBe('empty_transcript');
    expect((await owner.api.post(`/projects/${projectId}/documents`, { title: '', text: 'GP: hi' })).body.error.message).toMatch(/^title:/);
    expect((await owner.api.post('/projects', { name: 42 })).status).toBe(400);
    expect((await owner.api.patch(`/projects/${projectId}`, { blind: 'yes' })).body.error.message).toMatch(/^blind:/);
    expect((await owner.api.post(`/projects/${projectId}/members`, { email: 'a@b.org', role: 'boss' })).body.error.message).toMatch(/^role:/);
    const self = (await owner.api.get('/me')).body.user.id;
    expect((await owner.api.delete(`/projects/${projectId}/members/${self}`)).body.error.code).toBe('last_owner');
    expect((await owner.api.get('/no/such/route')).status).toBe(404);
  });
});
