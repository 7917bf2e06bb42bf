/**
 * One behaviour suite for every storage implementation (SQLite file, PostgreSQL database):
 * relational records and the durable document log (SPEC D1, D3).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openPostgresStorage } from '../../server/storage/postgres';
import { openSqliteStorage } from '../../server/storage/sqlite';
import type { Storage } from '../../server/storage/types';
import { makeDataDir } from '../helpers/server';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

interface Implementation {
  name: string;
  available: boolean;
  open(): Promise<{ storage: Storage; reopen(): Promise<Storage>; cleanup(): Promise<void> }>;
}

const implementations: Implementation[] = [
  {
    name: 'SQLite',
    available: true,
    async open() {
      const dir = makeDataDir();
      return {
        storage: openSqliteStorage(dir),
        reopen: async () => openSqliteStorage(dir),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'PostgreSQL',
    available: postgresAvailable,
    async open() {
      const database = await createTestDatabase();
      return {
        storage: await openPostgresStorage(database.url),
        reopen: () => openPostgresStorage(database.url),
        cleanup: () => database.drop(),
      };
    },
  },
];

const now = () => new Date().toISOString();

describe.each(implementations)('storage contract: $name', (implementation) => {
  let storage: Storage;
  let reopen: () => Promise<Storage>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (!implementation.available) return;
    ({ storage, reopen, cleanup } = await implementation.open());
  });
  afterAll(async () => {
    if (!implementation.available) return;
    await storage.close();
    await cleanup();
  });

  it.skipIf(!implementation.available)('users: unique case-insensitive email, secrets kept apart', async () => {
    const store = storage.relational;
    expect(await store.countUsers()).toBe(0);
    await store.createUser({ id: 'u1', email: 'gp@example.org', name: 'GP', isAdmin: true, createdAt: now(), passwordHash: 'h' });
    await expect(
      store.createUser({ id: 'u2', email: 'GP@example.org', name: 'Other', isAdmin: false, createdAt: now(), passwordHash: 'h' }),
    ).rejects.toThrow();
    expect((await store.getUserByEmail('Gp@Example.org'))?.passwordHash).toBe('h');
    const user = await store.getUserById('u1');
    expect(user).toMatchObject({ id: 'u1', email: 'gp@example.org', isAdmin: true });
    expect(user).not.toHaveProperty('passwordHash');
    expect(await store.countUsers()).toBe(1);
  });

  it.skipIf(!implementation.available)('tokens: found until they expire or are deleted', async () => {
    const store = storage.relational;
    await store.createToken('live', 'u1', 'session', Date.now() + 60_000);
    await store.createToken('expired', 'u1', 'api', Date.now() - 1);
    expect(await store.getUserIdByToken('live', Date.now())).toBe('u1');
    expect(await store.getUserIdByToken('expired', Date.now())).toBeNull();
    await store.deleteToken('live');
    expect(await store.getUserIdByToken('live', Date.now())).toBeNull();
  });

  it.skipIf(!implementation.available)('projects, memberships and invitations', async () => {
    const store = storage.relational;
    await store.createUser({ id: 'u3', email: 'nurse@example.org', name: 'Nurse', isAdmin: false, createdAt: now(), passwordHash: 'h' });
    await store.createProject({ id: 'p1', name: 'Study', blind: true, createdAt: now(), createdBy: 'u1' });
    await store.setMember('p1', 'u1', 'owner');
    await store.updateProject('p1', { blind: false, name: 'Renamed' });
    expect(await store.getProject('p1')).toMatchObject({ name: 'Renamed', blind: false });
    expect((await store.listProjectsForUser('u1')).map((p) => [p.id, p.role])).toEqual([['p1', 'owner']]);
    await store.createInvitation({ projectId: 'p1', email: 'Nurse@Example.org', role: 'coder', createdAt: now() });
    expect(await store.hasInvitation('nurse@example.org')).toBe(true);
    expect(await store.acceptInvitations('nurse@example.org', 'u3')).toBe(1);
    expect(await store.hasInvitation('nurse@example.org')).toBe(false);
    expect(await store.getRole('p1', 'u3')).toBe('coder');
    await store.setMember('p1', 'u3', 'adjudicator');
    expect((await store.listMembers('p1')).map((m) => [m.userId, m.role])).toEqual([
      ['u1', 'owner'],
      ['u3', 'adjudicator'],
    ]);
    await store.removeMember('p1', 'u3');
    expect(await store.getRole('p1', 'u3')).toBeNull();
    expect(await store.getProject('nope')).toBeNull();
  });

  it.skipIf(!implementation.available)('documents keep their attributes and creation order', async () => {
    const store = storage.relational;
    await store.createDocument({ id: 'd1', projectId: 'p1', title: 'One', attributes: { role: 'GP' }, createdAt: '2026-01-01T00:00:00.000Z' });
    await store.createDocument({ id: 'd2', projectId: 'p1', title: 'Two', attributes: {}, createdAt: '2026-01-02T00:00:00.000Z' });
    await store.updateDocument('d1', { attributes: { role: 'GP', site: 'North' } });
    expect((await store.listDocuments('p1')).map((d) => [d.id, d.attributes])).toEqual([
      ['d1', { role: 'GP', site: 'North' }],
      ['d2', {}],
    ]);
  });

  it.skipIf(!implementation.available)('[R1] rounds keep their transcripts, coders, scope and unit; submissions only while open', async () => {
    const store = storage.relational;
    await store.createUser({ id: 'u4', email: 'coder4@example.org', name: 'Coder 4', isAdmin: false, createdAt: now(), passwordHash: 'h' });
    const versionId = await store.addCodebookVersion({ projectId: 'p1', createdAt: now(), authorId: 'u1', source: 'rest', codes: [] });
    await store.createRound({
      id: 'r1',
      projectId: 'p1',
      name: 'Pilot',
      createdAt: '2026-02-01T00:00:00.000Z',
      createdBy: 'u1',
      documentIds: ['d2', 'd1'],
      coders: [
        { userId: 'u4', submittedAt: null },
        { userId: 'u1', submittedAt: null },
      ],
      codeIds: ['c1'],
      unit: { kind: 'window', size: 200 },
      targetAlpha: 0.75,
      codebookVersionAtCreation: versionId,
      codebookVersionAtClose: null,
      closedAt: null,
      closedBy: null,
      revealed: false,
    });
    const round = await store.getRound('r1');
    expect(round).toMatchObject({ documentIds: ['d2', 'd1'], codeIds: ['c1'], unit: { kind: 'window', size: 200 }, targetAlpha: 0.75 });
    expect(round?.codebookVersionAtCreation).toBe(versionId);
    expect(round?.coders.map((coder) => coder.userId)).toEqual(['u4', 'u1']);
    expect(await store.setRoundSubmission('r1', 'u4', '2026-02-02T00:00:00.000Z')).toBe(true);
    expect(await store.setRoundSubmission('r1', 'u3', '2026-02-02T00:00:00.000Z')).toBe(false);
    expect((await store.getRound('r1'))?.coders).toEqual([
      { userId: 'u4', submittedAt: '2026-02-02T00:00:00.000Z' },
      { userId: 'u1', submittedAt: null },
    ]);
    expect((await store.listRounds('p1')).map((listed) => listed.id)).toEqual(['r1']);
    expect(await store.getRound('none')).toBeNull();
  });

  it.skipIf(!implementation.available)('[R1] closing freezes states once; a second close writes nothing; reveal covers only the round coders and transcripts', async () => {
    const store = storage.relational;
    const frozen = [
      { documentName: 'layer:d1:u4', state: new Uint8Array([1, 2, 3]) },
      { documentName: 'transcript:d1', state: new Uint8Array([9]) },
    ];
    expect(await store.closeRound('r1', { closedAt: now(), closedBy: 'u1', revealed: false, codebookVersion: 7, frozen })).toBe(true);
    expect(await store.closeRound('r1', { closedAt: now(), closedBy: 'u1', revealed: true, codebookVersion: 8, frozen: [] })).toBe(false);
    const closed = await store.getRound('r1');
    expect(closed).toMatchObject({ closedBy: 'u1', revealed: false, codebookVersionAtClose: 7 });
    expect(await store.getFrozenStates('r1')).toEqual(frozen);
    expect(await store.setRoundSubmission('r1', 'u1', now())).toBe(false);
    expect(await store.revealedRoundCovers('d1', 'u4', 'u1')).toBe(false);
    await store.setRoundRevealed('r1', true);
    expect(await store.revealedRoundCovers('d1', 'u4', 'u1')).toBe(true);
    expect(await store.revealedRoundCovers('d1', 'u3', 'u1')).toBe(false);
    expect(await store.revealedRoundCovers('other-document', 'u4', 'u1')).toBe(false);
  });

  it.skipIf(!implementation.available)('[R4] codebook versions: increasing ids, codes kept as written, latest and lookup per project', async () => {
    const store = storage.relational;
    const code = { id: 'c1', name: 'Barrier', parentId: null, order: 0, color: '#1f77b4', definition: 'Gets in the way', inclusion: '', exclusion: '', example: '', archived: false };
    const first = await store.addCodebookVersion({ projectId: 'p1', createdAt: now(), authorId: 'u1', source: 'websocket', codes: [code] });
    const second = await store.addCodebookVersion({ projectId: 'p1', createdAt: now(), authorId: null, source: 'found', codes: [] });
    expect(second).toBeGreaterThan(first);
    expect(await store.getCodebookVersion('p1', first)).toMatchObject({ authorId: 'u1', source: 'websocket', codes: [code] });
    expect(await store.getCodebookVersion('other', first)).toBeNull();
    expect((await store.latestCodebookVersion('p1'))?.id).toBe(second);
    expect((await store.listCodebookVersions('p1')).map((version) => version.id).slice(-2)).toEqual([first, second]);
    expect(await store.latestCodebookVersion('other')).toBeNull();
  });

  it.skipIf(!implementation.available)('[D3] the log replays in order, compaction folds it into the snapshot, and a reopen restores the state', async () => {
    const log = storage.documents;
    const live = new Y.Doc();
    const appendAll = async (update: Uint8Array) => {
      await log.appendUpdate('layer:d1:u1', update);
    };
    const pending: Promise<void>[] = [];
    live.on('update', (update: Uint8Array) => pending.push(appendAll(update)));
    live.getMap('codings').set('a', 1);
    live.getMap('codings').set('b', 2);
    await Promise.all(pending);
    const before = await log.loadDocument('layer:d1:u1');
    expect(before.snapshot).toBeNull();
    expect(before.updates).toHaveLength(2);
    expect(before.updates[0].id).toBeLessThan(before.updates[1].id);

    await log.compact('layer:d1:u1', live);
    const after = await log.loadDocument('layer:d1:u1');
    expect(after.snapshot).not.toBeNull();
    expect(after.updates).toHaveLength(0);

    live.getMap('codings').set('c', 3);
    await Promise.all(pending);
    await storage.close();
    storage = await reopen();
    const restored = new Y.Doc();
    const stored = await storage.documents.loadDocument('layer:d1:u1');
    if (stored.snapshot) Y.applyUpdate(restored, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(restored, update.data);
    expect(restored.getMap('codings').toJSON()).toEqual({ a: 1, b: 2, c: 3 });
    expect((await storage.documents.loadDocument('other')).updates).toEqual([]);
  });
});

describe.skipIf(!postgresAvailable)('PostgreSQL log specifics', () => {
  it('[D3] compaction keeps a row that is logged but not yet applied on this instance', async () => {
    const database = await createTestDatabase();
    const storage = await openPostgresStorage(database.url);
    try {
      const live = new Y.Doc();
      const other = new Y.Doc();
      const captured: Uint8Array[] = [];
      live.on('update', (update: Uint8Array) => captured.push(update));
      live.getMap('m').set('applied', true);
      await storage.documents.appendUpdate('doc', captured[0]);
      // Another instance logged an update that this instance has not received yet.
      other.on('update', (update: Uint8Array) => captured.push(update));
      other.getMap('m').set('elsewhere', true);
      await storage.documents.appendUpdate('doc', captured[1]);
      await storage.documents.compact('doc', live);
      const stored = await storage.documents.loadDocument('doc');
      expect(stored.updates).toHaveLength(1);
      const restored = new Y.Doc();
      if (stored.snapshot) Y.applyUpdate(restored, stored.snapshot);
      for (const update of stored.updates) Y.applyUpdate(restored, update.data);
      expect(restored.getMap('m').toJSON()).toEqual({ applied: true, elsewhere: true });
    } finally {
      await storage.close();
      await database.drop();
    }
  });
});
