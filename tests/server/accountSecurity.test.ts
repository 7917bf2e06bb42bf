/**
 * SPEC A3, A7–A10: what accounts and memberships reveal and how credentials end — blind progress
 * shows only one's own counts, weak passwords are refused, adding a member answers the same
 * whether or not the email has an account, password change and account deletion end sessions,
 * API tokens can be listed and revoked, and demo accounts never hold the instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoProject } from '../../server/demo';
import { Api, projectWithMembers, registerUser, sampleTranscript, startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.dispose();
});

describe('passwords', () => {
  it('[A7] common and guessable passwords are refused with a reason; a passphrase is accepted', async () => {
    const api = new Api(server.url);
    for (const password of ['password', '12345678', 'qwertyuiop', 'password1234']) {
      const response = await api.post('/auth/register', { email: `weak-${password.length}-${password.charCodeAt(0)}@example.org`, password, name: 'Weak' });
      expect({ password, status: response.status, code: response.body.error.code }).toEqual({ password, status: 400, code: 'weak_password' });
      expect(response.body.error.message).toMatch(/too weak: .*common|too easy/);
    }
    const short = await api.post('/auth/register', { email: 'short@example.org', password: 'a1!', name: 'Short' });
    expect(short.body.error.message).toBe('password must be at least 8 characters');
    expect((await api.post('/auth/register', { email: 'strong@example.org', password: 'lantern orchard velvet', name: 'Strong' })).status).toBe(201);
  });

  it('[A9] changing the password needs the current one, keeps this session and ends every other', async () => {
    const user = await registerUser(server, 'Pat Change');
    const otherSession = (await new Api(server.url).post('/auth/login', { email: user.email, password: 'correct horse battery' })).body.token;
    const apiToken = (await user.api.post('/auth/tokens')).body.token;
    const wrong = await user.api.post('/auth/password', { currentPassword: 'not my password', newPassword: 'lantern orchard velvet' });
    expect([wrong.status, wrong.body.error.code]).toEqual([403, 'wrong_password']);
    const weak = await user.api.post('/auth/password', { currentPassword: 'correct horse battery', newPassword: 'password' });
    expect([weak.status, weak.body.error.code]).toEqual([400, 'weak_password']);
    expect((await user.api.post('/auth/password', { currentPassword: 'correct horse battery', newPassword: 'lantern orchard velvet' })).status).toBe(204);
    expect((await user.api.get('/me')).status).toBe(200);
    expect((await user.api.as(otherSession).get('/me')).status).toBe(401);
    expect((await user.api.as(apiToken).get('/me')).status).toBe(401);
    const api = new Api(server.url);
    expect((await api.post('/auth/login', { email: user.email, password: 'correct horse battery' })).status).toBe(401);
    expect((await api.post('/auth/login', { email: user.email, password: 'lantern orchard velvet' })).status).toBe(200);
  });

  it('[A9] API tokens are listed without their secret and revoked one by one', async () => {
    const user = await registerUser(server, 'Tess Tokens');
    const first = (await user.api.post('/auth/tokens')).body.token as string;
    const second = (await user.api.post('/auth/tokens')).body.token as string;
    const listed = (await user.api.get('/auth/tokens')).body as { id: string; createdAt: number; expiresAt: number }[];
    expect(listed).toHaveLength(2);
    for (const token of listed) {
      expect(token.id).toMatch(/^[0-9a-f]{16}$/);
      expect(JSON.stringify(token)).not.toContain(first);
    }
    // Which listed id is which token is not known to the client; revoke one and see which stops.
    expect((await user.api.delete(`/auth/tokens/${listed[0].id}`)).status).toBe(204);
    const statuses = await Promise.all([first, second].map(async (token) => (await user.api.as(token).get('/me')).status));
    expect(statuses.sort()).toEqual([200, 401]);
    expect((await user.api.delete(`/auth/tokens/${listed[0].id}`)).status).toBe(404);
    expect((await user.api.delete('/auth/tokens/not-an-id')).status).toBe(404);
    const other = await registerUser(server, 'Other');
    expect((await other.api.delete(`/auth/tokens/${listed[1].id}`)).status).toBe(404);
  });
});

describe('account deletion', () => {
  it('[A9] erases the account but keeps its codings in the project; the last owner must hand over first', async () => {
    const { owner, project, members } = await projectWithMembers(server, ['coder']);
    const coder = members[0];
    const code = (await owner.api.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body;
    const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I1', text: sampleTranscript })).body;
    const codings = `/projects/${project.id}/documents/${document.id}/codings`;
    expect((await coder.api.post(codings, { codeId: code.id, start: 0, end: 11 })).status).toBe(201);

    const refused = await owner.api.request('DELETE', '/me', { password: 'correct horse battery' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'last_owner']);
    expect(refused.body.error.message).toContain('"Study"');
    expect((await coder.api.request('DELETE', '/me', { password: 'wrong password here' })).status).toBe(403);
    expect((await coder.api.request('DELETE', '/me', { password: 'correct horse battery' })).status).toBe(204);

    expect((await coder.api.get('/me')).status).toBe(401);
    expect((await new Api(server.url).post('/auth/login', { email: coder.email, password: 'correct horse battery' })).status).toBe(401);
    const { members: remaining } = (await owner.api.get(`/projects/${project.id}/members`)).body;
    expect(remaining.map((member: { email: string }) => member.email)).toEqual([owner.email]);
    const kept = (await owner.api.get(`${codings}?layer=${coder.id}`)).body;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ codeId: code.id, createdBy: coder.id, text: 'What helps ' });
  });
});

describe('memberships', () => {
  it('[A8] adding an email with and without an account gives the same answer, and the added person can see why and leave', async () => {
    const owner = await registerUser(server, 'Olive Owner');
    const project = (await owner.api.post('/projects', { name: 'Notice study' })).body;
    const existing = await registerUser(server, 'Eve Existing');
    const withAccount = await owner.api.post(`/projects/${project.id}/members`, { email: existing.email, role: 'coder' });
    const withoutAccount = await owner.api.post(`/projects/${project.id}/members`, { email: 'nobody-yet@example.org', role: 'coder' });
    expect(withAccount.status).toBe(withoutAccount.status);
    expect(Object.keys(withAccount.body).sort()).toEqual(Object.keys(withoutAccount.body).sort());
    expect(withAccount.body).toEqual({ invited: true, email: existing.email, role: 'coder' });
    expect(JSON.stringify(withAccount.body)).not.toContain(existing.id);

    const listed = (await existing.api.get('/projects')).body.find((entry: { id: string }) => entry.id === project.id);
    expect(listed.addedBy).toEqual({ name: 'Olive Owner', email: owner.email });
    expect((await existing.api.post(`/projects/${project.id}/membership/acknowledge`)).status).toBe(204);
    expect((await existing.api.get('/projects')).body.find((entry: { id: string }) => entry.id === project.id).addedBy).toBeNull();

    expect((await existing.api.delete(`/projects/${project.id}/membership`)).status).toBe(204);
    expect((await existing.api.get(`/projects/${project.id}`)).status).toBe(404);
    const lastOwner = await owner.api.delete(`/projects/${project.id}/membership`);
    expect([lastOwner.status, lastOwner.body.error.code]).toEqual([409, 'last_owner']);
  });

  it('[A3] in blind mode a coder sees only their own coding counts on the progress table', async () => {
    const { owner, project, members } = await projectWithMembers(server, ['coder', 'coder', 'viewer'], { blind: true });
    const [first, second, viewer] = members;
    const code = (await owner.api.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body;
    const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I1', text: sampleTranscript })).body;
    const codings = `/projects/${project.id}/documents/${document.id}/codings`;
    await second.api.post(codings, { codeId: code.id, start: 0, end: 11 });
    await owner.api.post(codings, { codeId: code.id, start: 0, end: 11, layer: 'consensus' });
    const progress = async (user: { api: Api }) => (await user.api.get(`/projects/${project.id}/progress`)).body as { coderId: string; codings: number }[];
    expect(await progress(first)).toEqual([{ documentId: document.id, coderId: first.id, codings: 0 }]);
    expect(await progress(viewer)).toEqual([{ documentId: document.id, coderId: viewer.id, codings: 0 }]);
    expect((await progress(owner)).map((row) => [row.coderId, row.codings])).toEqual(
      expect.arrayContaining([
        [second.id, 1],
        ['consensus', 1],
      ]),
    );
    await owner.api.patch(`/projects/${project.id}`, { blind: false });
    expect((await progress(first)).some((row) => row.coderId === second.id && row.codings === 1)).toBe(true);
  });
});

describe('the demo', () => {
  it('[A10] demo accounts are not admins, use the given password, and the first real account becomes the admin', async () => {
    const fresh = await startTestServer({ openRegistration: false });
    try {
      const demo = await seedDemoProject(fresh.services, fresh.storage.relational, 'orchard lantern demo');
      expect(demo?.accounts.every((account) => account.password === 'orchard lantern demo')).toBe(true);
      const api = new Api(fresh.url);
      const lead = await api.post('/auth/login', { email: 'lead@demo.cocode', password: 'orchard lantern demo' });
      expect(lead.body.user.isAdmin).toBe(false);
      expect((await api.post('/auth/login', { email: 'lead@demo.cocode', password: 'cocode-demo' })).status).toBe(401);
      const admin = await api.post('/auth/register', { email: 'real@example.org', password: 'correct horse battery', name: 'Real Admin' });
      expect(admin.status).toBe(201);
      expect(admin.body.user.isAdmin).toBe(true);
      const uninvited = await api.post('/auth/register', { email: 'later@example.org', password: 'correct horse battery', name: 'Later' });
      expect(uninvited.status).toBe(403);
      expect(await seedDemoProject(fresh.services, fresh.storage.relational, 'orchard lantern demo')).toBeNull();
    } finally {
      await fresh.dispose();
    }
  });
});
