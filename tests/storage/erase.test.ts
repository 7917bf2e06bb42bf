/**
 * SPEC E3: the erase primitive of every storage implementation removes documents by name from the
 * durable log, the snapshots and the frozen round copies, leaves every other document as it was,
 * and survives a reopen; on SQLite the erased words are no longer anywhere in the file's bytes.
 * Deleting a transcript's record counts it in its rounds; deleting a project takes its records.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { documentNames } from '../../shared/collab/documentNames';
import { consensusLayerId, layerDocumentName } from '../../shared/collab/layers';
import { appendTurns, readTurns } from '../../shared/collab/schema';
import { openPostgresStorage } from '../../server/storage/postgres';
import { openSqliteStorage } from '../../server/storage/sqlite';
import type { Storage } from '../../server/storage/types';
import { makeDataDir } from '../helpers/server';
import { createTestDatabase, postgresAvailable } from '../helpers/services';

interface Implementation {
  name: string;
  available: boolean;
  /** The SQLite file, whose bytes the test reads; null for PostgreSQL. */
  open(): Promise<{ storage: Storage; reopen(): Promise<Storage>; cleanup(): Promise<void>; file: string | null }>;
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
        file: path.join(dir, 'cocode.sqlite'),
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
        file: null,
      };
    },
  },
];

const now = () => new Date().toISOString();
/** Words only the withdrawn participant's transcript holds, and words only the kept one holds. */
const withdrawnWords = 'Quillbrook marshes told me about the xylophone rota';
const keptWords = 'Tarnwick surgery keeps its protected Thursdays';

/** Appends every update of `doc` to the log under `name`, as the durable log extension does. */
function logged(storage: Storage, name: string, doc = new Y.Doc()): { doc: Y.Doc; settled: () => Promise<void> } {
  const appends: Promise<unknown>[] = [];
  doc.on('update', (update: Uint8Array) => appends.push(Promise.resolve(storage.documents.appendUpdate(name, update))));
  return { doc, settled: async () => void (await Promise.all(appends)) };
}

async function writeTurns(storage: Storage, name: string, text: string) {
  const { doc, settled } = logged(storage, name);
  appendTurns(doc, [{ speaker: 'P1', timestamp: null, text }]);
  await settled();
  return doc;
}

/** The bytes of the database file and its write-ahead log. */
function fileBytes(file: string): Buffer {
  const wal = `${file}-wal`;
  return Buffer.concat([readFileSync(file), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
}

const contains = (bytes: Buffer, words: string) => bytes.includes(Buffer.from(words, 'utf8'));

/** Moves everything in the WAL into the main file from a connection of the test's own. */
function checkpoint(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

describe.each(implementations)('erasing documents: $name', (implementation) => {
  let storage: Storage;
  let reopen: () => Promise<Storage>;
  let cleanup: () => Promise<void>;
  let file: string | null;
  const withdrawn = { transcript: documentNames.transcript('d-withdrawn'), coder: layerDocumentName('d-withdrawn', 'u2'), consensus: layerDocumentName('d-withdrawn', consensusLayerId) };
  const kept = { transcript: documentNames.transcript('d-kept'), coder: layerDocumentName('d-kept', 'u2') };

  beforeAll(async () => {
    if (!implementation.available) return;
    ({ storage, reopen, cleanup, file } = await implementation.open());
    const store = storage.relational;
    await store.createUser({ id: 'u1', email: 'owner@example.org', name: 'Owner', isAdmin: true, createdAt: now(), passwordHash: 'h' });
    await store.createUser({ id: 'u2', email: 'coder@example.org', name: 'Coder', isAdmin: false, createdAt: now(), passwordHash: 'h' });
    await store.createProject({ id: 'p1', name: 'Study', blind: true, createdAt: now(), createdBy: 'u1' });
    await store.setMember('p1', 'u1', 'owner');
    await store.setMember('p1', 'u2', 'coder');
    await store.createDocument({ id: 'd-withdrawn', projectId: 'p1', title: 'Interview 1', attributes: {}, createdAt: now() });
    await store.createDocument({ id: 'd-kept', projectId: 'p1', title: 'Interview 2', attributes: {}, createdAt: now() });

    // The withdrawn transcript is written, compacted (its first rows deleted and a snapshot written),
    // edited and compacted again (that snapshot replaced), then edited once more: its words are in
    // rows deleted long before the erase as well as in the rows the erase deletes.
    const transcript = await writeTurns(storage, withdrawn.transcript, withdrawnWords);
    await storage.documents.compact(withdrawn.transcript, transcript);
    const again = logged(storage, withdrawn.transcript, transcript);
    appendTurns(again.doc, [{ speaker: 'Interviewer', timestamp: null, text: `And ${withdrawnWords}?` }]);
    await again.settled();
    await storage.documents.compact(withdrawn.transcript, transcript);
    appendTurns(again.doc, [{ speaker: 'P1', timestamp: null, text: 'Yes.' }]);
    await again.settled();
    // Coder and consensus layers quote the words.
    await writeTurns(storage, withdrawn.coder, withdrawnWords);
    await writeTurns(storage, withdrawn.consensus, withdrawnWords);
    const keptTranscript = await writeTurns(storage, kept.transcript, keptWords);
    await storage.documents.compact(kept.transcript, keptTranscript);
    await writeTurns(storage, kept.coder, keptWords);

    await store.createRound({
      id: 'r1',
      projectId: 'p1',
      name: 'Pilot',
      createdAt: now(),
      createdBy: 'u1',
      documentIds: ['d-withdrawn', 'd-kept'],
      coders: [
        { userId: 'u1', submittedAt: null },
        { userId: 'u2', submittedAt: null },
      ],
      codeIds: null,
      unit: { kind: 'turn' },
      targetAlpha: 0.8,
      codebookVersionAtCreation: null,
      codebookVersionAtClose: null,
      closedAt: null,
      closedBy: null,
      revealed: false,
    });
    const frozen = [withdrawn.transcript, withdrawn.coder, kept.transcript, kept.coder].map((documentName) => ({
      documentName,
      state: Y.encodeStateAsUpdate(transcript),
    }));
    frozen[2].state = Y.encodeStateAsUpdate(keptTranscript);
    frozen[3].state = Y.encodeStateAsUpdate(keptTranscript);
    expect(await store.closeRound('r1', { closedAt: now(), closedBy: 'u1', revealed: false, codebookVersion: null, frozen })).toBe(true);
  });
  afterAll(async () => {
    if (!implementation.available) return;
    await storage.close();
    await cleanup();
  });

  it.skipIf(!implementation.available)('[E3] every stored name is listed: snapshots, log rows and frozen copies', async () => {
    expect((await storage.documents.listDocumentNames()).sort()).toEqual(
      [withdrawn.transcript, withdrawn.coder, withdrawn.consensus, kept.transcript, kept.coder].sort(),
    );
    if (file) {
      // Without the erase the words are in the file: the byte check below could fail.
      checkpoint(file);
      expect(contains(fileBytes(file), withdrawnWords)).toBe(true);
    }
  });

  it.skipIf(!implementation.available)('[E3] erasing a transcript\'s documents removes their snapshots, log rows and frozen copies, and nothing else', async () => {
    await storage.documents.eraseDocuments([...Object.values(withdrawn), layerDocumentName('d-withdrawn', 'never-written')]);
    for (const name of Object.values(withdrawn)) expect(await storage.documents.loadDocument(name)).toEqual({ snapshot: null, updates: [] });
    expect((await storage.documents.listDocumentNames()).sort()).toEqual([kept.transcript, kept.coder].sort());
    expect((await storage.relational.getFrozenStates('r1')).map((entry) => entry.documentName).sort()).toEqual([kept.coder, kept.transcript].sort());

    const restored = new Y.Doc();
    const stored = await storage.documents.loadDocument(kept.transcript);
    if (stored.snapshot) Y.applyUpdate(restored, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(restored, update.data);
    expect(readTurns(restored).map((turn) => turn.text)).toEqual([keptWords]);
  });

  // A file's bytes are SQLite's alone: PostgreSQL frees erased rows at vacuum (E3).
  if (implementation.name === 'SQLite') {
    it.skipIf(!implementation.available)(
      '[E3] on SQLite the erased words are in none of the file\'s bytes, earlier compacted copies included; the kept words are',
      async () => {
        const sqliteFile = file as string;
        // The erase truncated the WAL itself; a checkpoint from another connection changes nothing.
        checkpoint(sqliteFile);
        const bytes = fileBytes(sqliteFile);
        expect(contains(bytes, withdrawnWords)).toBe(false);
        expect(contains(bytes, keptWords)).toBe(true);
      },
    );
  }

  it.skipIf(!implementation.available)('[E1] deleting the transcript\'s record counts it as deleted in its round, which keeps the rest', async () => {
    await storage.relational.deleteDocument('d-withdrawn');
    expect(await storage.relational.getDocument('d-withdrawn')).toBeNull();
    expect((await storage.relational.listDocuments('p1')).map((document) => document.id)).toEqual(['d-kept']);
    expect(await storage.relational.getRound('r1')).toMatchObject({ documentIds: ['d-kept'], deletedDocuments: 1 });
  });

  it.skipIf(!implementation.available)('[E3] after a reopen the erased documents are still gone and the others still there', async () => {
    await storage.close();
    storage = await reopen();
    for (const name of Object.values(withdrawn)) expect(await storage.documents.loadDocument(name)).toEqual({ snapshot: null, updates: [] });
    expect((await storage.documents.listDocumentNames()).sort()).toEqual([kept.transcript, kept.coder].sort());
    expect((await storage.documents.loadDocument(kept.coder)).updates.length).toBeGreaterThan(0);
  });

  it.skipIf(!implementation.available)('[E4] deleting a project deletes its memberships, invitations, transcripts, rounds, codebook versions and pseudonym mapping', async () => {
    const store = storage.relational;
    await store.createInvitation({ projectId: 'p1', email: 'later@example.org', role: 'coder', createdAt: now() });
    await store.addCodebookVersion({ projectId: 'p1', createdAt: now(), authorId: 'u1', source: 'rest', codes: [] });
    await store.setPseudonymMapping('p1', [{ original: 'Dr Quillbrook', replacement: 'Clinician A' }]);
    expect(await store.deleteProject('p1')).toEqual(['d-kept']);
    expect(await store.getProject('p1')).toBeNull();
    expect(await store.getRole('p1', 'u2')).toBeNull();
    expect(await store.listInvitations('p1')).toEqual([]);
    expect(await store.hasInvitation('later@example.org')).toBe(false);
    expect(await store.getDocument('d-kept')).toBeNull();
    expect(await store.getRound('r1')).toBeNull();
    expect(await store.getFrozenStates('r1')).toEqual([]);
    expect(await store.listCodebookVersions('p1')).toEqual([]);
    expect(await store.getPseudonymMapping('p1')).toEqual([]);
    // The accounts stay: they may be members elsewhere.
    expect(await store.getUserById('u2')).not.toBeNull();
  });
});
