/**
 * SPEC A2–A4: the role × document kind × operation matrix, checked cell by cell against the real
 * server over the websocket (open = read, applied update = write) and over REST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { documentNames } from '../../shared/collab/documentNames';
import { eventually } from '../helpers/poll';
import { openOutcome } from '../helpers/providers';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';

type Role = 'owner' | 'adjudicator' | 'coder' | 'viewer';
type Resource = 'codebook' | 'transcript' | 'own-layer' | 'other-layer' | 'consensus';
type Access = 'none' | 'read' | 'write';

/** The matrix exactly as written in SPEC.md (A2), per blind setting. */
const expected: Record<'open' | 'blind', Record<Resource, Record<Role, Access>>> = {
  open: {
    codebook: { owner: 'write', adjudicator: 'write', coder: 'read', viewer: 'read' },
    transcript: { owner: 'write', adjudicator: 'read', coder: 'read', viewer: 'read' },
    'own-layer': { owner: 'write', adjudicator: 'write', coder: 'write', viewer: 'read' },
    'other-layer': { owner: 'read', adjudicator: 'read', coder: 'read', viewer: 'read' },
    consensus: { owner: 'write', adjudicator: 'write', coder: 'read', viewer: 'read' },
  },
  blind: {
    codebook: { owner: 'write', adjudicator: 'write', coder: 'read', viewer: 'read' },
    transcript: { owner: 'write', adjudicator: 'read', coder: 'read', viewer: 'read' },
    'own-layer': { owner: 'write', adjudicator: 'write', coder: 'write', viewer: 'read' },
    'other-layer': { owner: 'read', adjudicator: 'read', coder: 'none', viewer: 'none' },
    consensus: { owner: 'write', adjudicator: 'write', coder: 'none', viewer: 'none' },
  },
};

const roles: Role[] = ['owner', 'adjudicator', 'coder', 'viewer'];
const resources: Resource[] = ['codebook', 'transcript', 'own-layer', 'other-layer', 'consensus'];

let server: TestServer;
const setups: Record<'open' | 'blind', { users: Record<Role, TestUser>; otherCoder: TestUser; projectId: string; documentId: string }> =
  {} as never;

beforeAll(async () => {
  server = await startTestServer();
  for (const mode of ['open', 'blind'] as const) {
    const { owner, project, members } = await projectWithMembers(server, ['adjudicator', 'coder', 'viewer', 'coder'], {
      blind: mode === 'blind',
    });
    const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'T', text: sampleTranscript })).body;
    setups[mode] = {
      users: { owner, adjudicator: members[0], coder: members[1], viewer: members[2] },
      otherCoder: members[3],
      projectId: project.id,
      documentId: document.id,
    };
  }
});

afterAll(async () => {
  await server.dispose();
});

function documentName(mode: 'open' | 'blind', role: Role, resource: Resource): string {
  const { users, otherCoder, projectId, documentId } = setups[mode];
  switch (resource) {
    case 'codebook':
      return documentNames.codebook(projectId);
    case 'transcript':
      return documentNames.transcript(documentId);
    case 'own-layer':
      return documentNames.layer(documentId, users[role].id);
    case 'other-layer':
      return documentNames.layer(documentId, otherCoder.id);
    case 'consensus':
      return documentNames.consensus(documentId);
  }
}

async function serverHas(name: string, probeKey: string): Promise<boolean> {
  const connection = await server.hocuspocus.openDirectConnection(name, {});
  try {
    return (connection.document as Y.Doc).getMap('authorization-probe').has(probeKey);
  } finally {
    await connection.disconnect();
  }
}

describe.each(['open', 'blind'] as const)('SPEC A2 websocket matrix (%s project)', (mode) => {
  for (const resource of resources) {
    for (const role of roles) {
      const want = expected[mode][resource][role];
      it(`[A2] ${role} ${want === 'none' ? 'cannot open' : want === 'read' ? 'reads but cannot write' : 'writes'} ${resource}`, async () => {
        const name = documentName(mode, role, resource);
        const outcome = await openOutcome(server.wsUrl, name, setups[mode].users[role].token);
        if (want === 'none') {
          expect(outcome.ok).toBe(false);
          if (!outcome.ok) expect(outcome.reason).toMatch(/forbidden/);
          return;
        }
        expect(outcome.ok).toBe(true);
        if (!outcome.ok) return;
        const probeKey = `${role}-${Math.random()}`;
        outcome.connection.doc.getMap('authorization-probe').set(probeKey, true);
        if (want === 'write') {
          await eventually(async () => expect(await serverHas(name, probeKey)).toBe(true));
        } else {
          // A negative needs a bounded wait: the update must still be absent well after a write would land.
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(await serverHas(name, probeKey)).toBe(false);
        }
        outcome.connection.destroy();
      });
    }
  }
});

describe('SPEC A1 websocket credentials', () => {
  it('[A1] refuses a connection without a token or cookie', async () => {
    const outcome = await openOutcome(server.wsUrl, documentNames.codebook(setups.open.projectId), '');
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toMatch(/unauthorized/);
  });

  it('[A1] refuses an unknown token', async () => {
    const outcome = await openOutcome(server.wsUrl, documentNames.codebook(setups.open.projectId), 'not-a-real-token');
    expect(outcome.ok).toBe(false);
  });

  it('[A1] refuses a malformed document name and a document of another project', async () => {
    const stranger = setups.blind.users.coder;
    const bad = await openOutcome(server.wsUrl, 'codebook:../../etc', stranger.token);
    expect(bad.ok).toBe(false);
    const foreign = await openOutcome(server.wsUrl, documentNames.transcript(setups.open.documentId), stranger.token);
    expect(foreign.ok).toBe(false);
  });
});

describe.each(['open', 'blind'] as const)('SPEC A2 REST matrix (%s project)', (mode) => {
  const codingsPath = (layer: string) => `/projects/${setups[mode].projectId}/documents/${setups[mode].documentId}/codings?layer=${layer}`;

  for (const role of roles) {
    it(`[A2] ${role}: layer reads and writes over REST follow the matrix`, async () => {
      const { users, otherCoder, projectId, documentId } = setups[mode];
      const api = users[role].api;
      const status = (access: Access, operation: 'read' | 'write', success: number) =>
        (operation === 'read' ? access !== 'none' : access === 'write') ? success : 403;

      expect((await api.get(codingsPath(otherCoder.id))).status).toBe(status(expected[mode]['other-layer'][role], 'read', 200));
      expect((await api.get(codingsPath('consensus'))).status).toBe(status(expected[mode].consensus[role], 'read', 200));
      expect((await api.get(codingsPath('me'))).status).toBe(200);

      const codes = (await users.owner.api.get(`/projects/${projectId}/codes`)).body;
      const codeId = codes.length > 0 ? codes[0].id : (await users.owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler' })).body.id;
      const base = `/projects/${projectId}/documents/${documentId}/codings`;
      const own = await api.post(base, { codeId, start: 0, end: 5 });
      expect(own.status).toBe(status(expected[mode]['own-layer'][role], 'write', 201));
      const consensus = await api.post(base, { codeId, start: 0, end: 5, layer: 'consensus' });
      expect(consensus.status).toBe(status(expected[mode].consensus[role], 'write', 201));

      const newCode = await api.post(`/projects/${projectId}/codes`, { name: `Code by ${role} ${Math.random()}` });
      expect(newCode.status).toBe(status(expected[mode].codebook[role], 'write', 201));
      const newDocument = await api.post(`/projects/${projectId}/documents`, { title: 'More', text: 'GP: hello there' });
      expect(newDocument.status).toBe(status(expected[mode].transcript[role], 'write', 201));
      const settings = await api.patch(`/projects/${projectId}`, { name: 'Renamed study' });
      expect(settings.status).toBe(role === 'owner' ? 200 : 403);
    });
  }

  it('[A3] layer=all returns only what the caller may see', async () => {
    const { users, otherCoder, projectId, documentId } = setups[mode];
    const codeId = (await users.owner.api.get(`/projects/${projectId}/codes`)).body[0]?.id
      ?? (await users.owner.api.post(`/projects/${projectId}/codes`, { name: 'Blocker' })).body.id;
    const base = `/projects/${projectId}/documents/${documentId}/codings`;
    expect((await otherCoder.api.post(base, { codeId, start: 6, end: 10 })).status).toBe(201);
    const seenByCoder = (await users.coder.api.get(`${base}?layer=all`)).body as { coder: string }[];
    const othersSeen = seenByCoder.filter((coding) => coding.coder !== users.coder.id);
    if (mode === 'blind') expect(othersSeen).toEqual([]);
    else expect(othersSeen.some((coding) => coding.coder === otherCoder.id)).toBe(true);
    const seenByAdjudicator = (await users.adjudicator.api.get(`${base}?layer=all`)).body as { coder: string }[];
    expect(seenByAdjudicator.some((coding) => coding.coder === otherCoder.id)).toBe(true);
  });
});

describe('SPEC A3 blind mode', () => {
  it('[A3] turning blind mode on refuses a coder new websocket sessions to other layers at once', async () => {
    const { users, otherCoder, projectId, documentId } = setups.open;
    const name = documentNames.layer(documentId, otherCoder.id);
    const before = await openOutcome(server.wsUrl, name, users.coder.token);
    expect(before.ok).toBe(true);
    if (before.ok) before.connection.destroy();
    expect((await users.owner.api.patch(`/projects/${projectId}`, { blind: true })).status).toBe(200);
    const after = await openOutcome(server.wsUrl, name, users.coder.token);
    expect(after.ok).toBe(false);
    expect((await users.owner.api.patch(`/projects/${projectId}`, { blind: false })).status).toBe(200);
  });

  it('[A3] turning blind mode on closes a coder\'s already open connection to another layer', async () => {
    const { users, otherCoder, projectId, documentId } = setups.open;
    const name = documentNames.layer(documentId, otherCoder.id);
    const open = await openOutcome(server.wsUrl, name, users.coder.token);
    expect(open.ok).toBe(true);
    if (!open.ok) return;
    const isConnectedOnServer = () =>
      (server.hocuspocus.documents.get(name)?.getConnections() ?? []).some((c) => c.context?.user?.id === users.coder.id);
    await eventually(() => expect(isConnectedOnServer()).toBe(true));
    expect((await users.owner.api.patch(`/projects/${projectId}`, { blind: true })).status).toBe(200);
    await eventually(() => expect(isConnectedOnServer()).toBe(false));
    open.connection.destroy();
    expect((await users.owner.api.patch(`/projects/${projectId}`, { blind: false })).status).toBe(200);
  });

  it('[A3] lowering a coder to viewer makes an open own-layer connection read-only', async () => {
    const { users, projectId, documentId } = setups.open;
    const name = documentNames.layer(documentId, users.coder.id);
    const open = await openOutcome(server.wsUrl, name, users.coder.token);
    if (!open.ok) throw new Error('coder could not open own layer');
    const connectionOnServer = () =>
      (server.hocuspocus.documents.get(name)?.getConnections() ?? []).find((c) => c.context?.user?.id === users.coder.id);
    await eventually(() => expect(connectionOnServer()?.readOnly).toBe(false));
    expect((await users.owner.api.patch(`/projects/${projectId}/members/${users.coder.id}`, { role: 'viewer' })).status).toBe(200);
    expect(connectionOnServer()?.readOnly).toBe(true);
    open.connection.destroy();
    expect((await users.owner.api.patch(`/projects/${projectId}/members/${users.coder.id}`, { role: 'coder' })).status).toBe(200);
  });
});
