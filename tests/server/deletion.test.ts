/**
 * Deleting a transcript (a participant withdrew consent) and deleting a project, on a real server
 * with a real SQLite file (SPEC E1–E4): who may, what the answer is, that open editors are closed
 * with 4410 and cannot come back, that no table holds a row naming the erased documents and the
 * file holds none of their words, that a restart brings nothing back, that the rest of the project
 * and the round that included the transcript keep working, and that a failed import leaves nothing.
 * The erase primitive itself on both stores is in tests/storage/erase.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { closeCodes, closeEventForReason } from '../../shared/collab/closeCodes';
import { documentNames } from '../../shared/collab/documentNames';
import { consensusLayerId, layerDocumentName } from '../../shared/collab/layers';
import { appendTurns, putCode, readCodes } from '../../shared/collab/schema';
import { defaultLimits } from '../../server/config';
import { upload } from '../exchange/wiring/fixtures';
import { eventually } from '../helpers/poll';
import { connectProvider, openOutcome, type TestProvider } from '../helpers/providers';
import { Api, projectWithMembers, registerUser, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';
import { createTestDatabase, postgresAvailable, redisAvailable, redisUrl, type TestDatabase, uniqueRedisPrefix } from '../helpers/services';

/** Words only the withdrawn participant's interview holds. */
const withdrawnWords = ['Quillbrook marshes rota', 'Harrowgate hub'];
const withdrawnText = `Interviewer: What helps you lead in the group?
P7: The Quillbrook marshes rota, mostly.
Interviewer: And what gets in the way?
P7: Paperwork from the Harrowgate hub.`;
/** Words of the interview that stays (sampleTranscript). */
const keptWords = 'Two sessions a week are funded';

const cleanups: (() => void)[] = [];

/** A provider that records the reason the server closed its document with. */
async function openEditor(server: TestServer, name: string, user: TestUser): Promise<TestProvider & { closedWith: Promise<string> }> {
  const connection = connectProvider(server.wsUrl, name, user.token);
  cleanups.push(() => connection.destroy());
  const closedWith = new Promise<string>((resolve) => connection.provider.on('close', ({ event }: { event: { reason: string } }) => resolve(event.reason)));
  await connection.synced;
  return { ...connection, closedWith };
}

/** A plain y-websocket client on /yjs, once synced; `closedWith` resolves with the code its socket was closed with. */
async function openYjsClient(server: TestServer, name: string, user: TestUser): Promise<{ closedWith: Promise<number> }> {
  const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/yjs`, name, new Y.Doc(), {
    WebSocketPolyfill: WebSocket as never,
    params: { token: user.token },
    disableBc: true,
  });
  cleanups.push(() => provider.destroy());
  const closedWith = new Promise<number>((resolve) => provider.on('connection-close', (event: { code: number } | null) => event && resolve(event.code)));
  await new Promise<void>((resolve) => provider.on('sync', (synced: boolean) => synced && resolve()));
  return { closedWith };
}

/** The SQLite file of a test server. */
const databaseFile = (server: TestServer) => path.join(server.dataDir, 'cocode.sqlite');

/** Every row of the document tables whose name contains one of `ids`, as `table: name`, read from the file directly. */
function documentRowsNaming(file: string, ids: string[]): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const found: string[] = [];
    for (const [table, column] of [
      ['ydoc_snapshots', 'name'],
      ['ydoc_updates', 'name'],
      ['round_frozen_states', 'document_name'],
    ]) {
      const rows = db.prepare(`SELECT ${column} AS name FROM ${table}`).all() as { name: string }[];
      for (const row of rows) if (ids.some((id) => row.name.includes(id))) found.push(`${table}: ${row.name}`);
    }
    return found;
  } finally {
    db.close();
  }
}

/** How many rows of `table` have `column` equal to `value`, read from the file directly. */
function rowCount(file: string, table: string, column: string, value: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} = ?`).get(value) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The database file's bytes after moving the WAL into it, plus whatever WAL is left. */
function databaseBytes(file: string): Buffer {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const wal = `${file}-wal`;
  return Buffer.concat([readFileSync(file), existsSync(wal) ? readFileSync(wal) : Buffer.alloc(0)]);
}

const holds = (bytes: Buffer, words: string) => bytes.includes(Buffer.from(words, 'utf8'));

afterAll(() => {
  for (const cleanup of cleanups) cleanup();
});

/** A coded study: two transcripts coded by two coders, a closed round over both, a decision on the first. */
async function codedStudy(server: TestServer) {
  const { owner, project, members } = await projectWithMembers(server, ['adjudicator', 'coder', 'coder'], { blind: true });
  const [adjudicator, coderA, coderB] = members;
  const projectId = project.id as string;
  const codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler' })).body.id as string;
  const create = async (title: string, text: string) => (await owner.api.post(`/projects/${projectId}/documents`, { title, text })).body.id as string;
  const withdrawn = await create('Interview 7', withdrawnText);
  const kept = await create('Interview 2', sampleTranscript);
  const texts = new Map<string, string>();
  for (const id of [withdrawn, kept]) texts.set(id, (await owner.api.get(`/projects/${projectId}/documents/${id}`)).body.text);
  const code = async (coder: TestUser, documentId: string, quote: string) => {
    const start = (texts.get(documentId) as string).indexOf(quote);
    expect(start).toBeGreaterThanOrEqual(0);
    const coded = await coder.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId, start, end: start + quote.length });
    expect(coded.status).toBe(201);
  };
  await code(coderA, withdrawn, 'The Quillbrook marshes rota');
  await code(coderB, withdrawn, 'Quillbrook marshes rota, mostly');
  await code(coderA, withdrawn, 'Paperwork from the Harrowgate hub');
  for (const coder of [coderA, coderB]) {
    await code(coder, kept, 'Protected time, mostly');
    await code(coder, kept, 'The paperwork');
  }
  await code(coderA, kept, 'Two sessions a week are funded');
  const round = (await owner.api.post(`/projects/${projectId}/rounds`, { name: 'Pilot', documentIds: [withdrawn, kept], coderIds: [coderA.id, coderB.id] })).body;
  expect((await owner.api.post(`/projects/${projectId}/rounds/${round.id}/close`, { reveal: false })).status).toBe(200);
  const scope = `?coders=${coderA.id},${coderB.id}`;
  const passages = (await adjudicator.api.get(`/projects/${projectId}/documents/${withdrawn}/disagreements${scope}`)).body.disagreements;
  expect(passages.length).toBeGreaterThan(0);
  const decided = await adjudicator.api.post(`/projects/${projectId}/documents/${withdrawn}/disagreements/${passages[0].id}/decision${scope}`, {
    action: { kind: 'accept', coder: coderA.id },
    rationale: 'P7 describes the Quillbrook marshes rota as the enabler',
  });
  expect(decided.status).toBe(201);
  return { owner, adjudicator, coderA, coderB, projectId, codeId, withdrawn, kept, roundId: round.id as string };
}

describe('deleting a transcript', () => {
  let server: TestServer;
  let study: Awaited<ReturnType<typeof codedStudy>>;
  let keptCodings: number;
  const names = () => [
    documentNames.transcript(study.withdrawn),
    layerDocumentName(study.withdrawn, study.coderA.id),
    layerDocumentName(study.withdrawn, study.coderB.id),
    layerDocumentName(study.withdrawn, consensusLayerId),
  ];
  const path = () => `/projects/${study.projectId}/documents/${study.withdrawn}`;

  beforeAll(async () => {
    server = await startTestServer();
    study = await codedStudy(server);
    keptCodings = (await study.owner.api.get(`/projects/${study.projectId}/documents/${study.kept}/codings?layer=all`)).body.length;
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('[E1] [A2] only owners delete a transcript: adjudicators and coders get 403, non-members 404', async () => {
    const adjudicator = await study.adjudicator.api.delete(path());
    expect([adjudicator.status, adjudicator.body.error.message]).toEqual([403, 'only project owners delete transcripts']);
    expect((await study.coderA.api.delete(path())).status).toBe(403);
    const outsider = await registerUser(server, 'Outsider');
    expect((await outsider.api.delete(path())).status).toBe(404);
    expect((await study.owner.api.delete(`/projects/${study.projectId}/documents/no-such-transcript`)).status).toBe(404);
    expect((await study.owner.api.get(path())).status).toBe(200);
    expect(documentRowsNaming(databaseFile(server), [study.withdrawn]).length).toBeGreaterThan(0);
  });

  it('[E2] deleting it closes every open editor of its documents with 4410, on both protocols, and none can reopen them', async () => {
    const [transcript, layerA, layerB, consensus] = names();
    const editors = [
      await openEditor(server, transcript, study.owner),
      await openEditor(server, layerA, study.coderA),
      await openEditor(server, consensus, study.adjudicator),
    ];
    const bridge = await openYjsClient(server, layerB, study.coderB);
    // A coding written just before: its document has a compaction waiting, which must not write it back.
    const start = (await study.owner.api.get(path())).body.text.indexOf('Paperwork');
    expect((await study.coderB.api.post(`${path()}/codings`, { codeId: study.codeId, start, end: start + 9 })).status).toBe(201);

    expect((await study.owner.api.delete(path())).status).toBe(204);
    for (const editor of editors) expect(closeEventForReason(await editor.closedWith)?.code).toBe(closeCodes.documentDeleted.code);
    expect(await bridge.closedWith).toBe(closeCodes.documentDeleted.code);
    for (const [name, user] of [
      [transcript, study.owner],
      [layerA, study.coderA],
      [consensus, study.adjudicator],
    ] as const) {
      const again = await openOutcome(server.wsUrl, name, user.token);
      expect(again).toEqual({ ok: false, reason: 'forbidden: no such document' });
    }
    await eventually(() => expect(names().filter((name) => server.hocuspocus.documents.has(name))).toEqual([]));
  });

  it('[E1] its record, text, codings and decisions answer 404; the other transcript is as it was', async () => {
    expect((await study.owner.api.get(path())).status).toBe(404);
    expect((await study.owner.api.get(`${path()}/codings?layer=all`)).status).toBe(404);
    expect((await study.adjudicator.api.get(`${path()}/decisions`)).status).toBe(404);
    expect((await study.owner.api.delete(path())).status).toBe(404);
    expect((await study.owner.api.get(`/projects/${study.projectId}/documents`)).body.map((document: { id: string }) => document.id)).toEqual([study.kept]);
    expect((await study.owner.api.get(`/projects/${study.projectId}/documents/${study.kept}`)).body.text).toContain(keptWords);
    expect((await study.owner.api.get(`/projects/${study.projectId}/documents/${study.kept}/codings?layer=all`)).body).toHaveLength(keptCodings);
  });

  it('[E3] the SQLite file has no row naming its documents, and its words are nowhere in the file\'s bytes', async () => {
    const file = databaseFile(server);
    expect(documentRowsNaming(file, [study.withdrawn])).toEqual([]);
    expect(rowCount(file, 'documents', 'id', study.withdrawn)).toBe(0);
    expect(rowCount(file, 'round_documents', 'document_id', study.withdrawn)).toBe(0);
    const bytes = databaseBytes(file);
    for (const words of withdrawnWords) expect(holds(bytes, words)).toBe(false);
    expect(holds(bytes, keptWords)).toBe(true);
  });

  it('[E1] the closed round keeps its other transcript, says one was deleted, and its report covers the rest', async () => {
    const round = (await study.owner.api.get(`/projects/${study.projectId}/rounds/${study.roundId}`)).body;
    expect(round).toMatchObject({ status: 'closed', documentIds: [study.kept], deletedTranscripts: 1 });
    const report = await study.owner.api.get(`/projects/${study.projectId}/agreement?round=${study.roundId}`);
    expect(report.status).toBe(200);
    expect(report.body.documents.map((document: { id: string }) => document.id)).toEqual([study.kept]);
    const history = (await study.owner.api.get(`/projects/${study.projectId}/rounds/history`)).body;
    expect(history.rounds).toMatchObject([{ roundId: study.roundId, deletedTranscripts: 1, unavailable: null }]);
  });

  it('[E1] the layers of members who left the project are erased too', async () => {
    const documentId = (await study.owner.api.post(`/projects/${study.projectId}/documents`, { title: 'Left', text: withdrawnText })).body.id as string;
    const leaver = await registerUser(server, 'Leaving coder');
    await study.owner.api.post(`/projects/${study.projectId}/members`, { email: leaver.email, role: 'coder' });
    const text = (await study.owner.api.get(`/projects/${study.projectId}/documents/${documentId}`)).body.text as string;
    const start = text.indexOf('Harrowgate');
    expect((await leaver.api.post(`/projects/${study.projectId}/documents/${documentId}/codings`, { codeId: study.codeId, start, end: start + 10 })).status).toBe(201);
    expect((await leaver.api.delete(`/projects/${study.projectId}/membership`)).status).toBe(204);
    expect(documentRowsNaming(databaseFile(server), [layerDocumentName(documentId, leaver.id)])).not.toEqual([]);
    expect((await study.owner.api.delete(`/projects/${study.projectId}/documents/${documentId}`)).status).toBe(204);
    expect(documentRowsNaming(databaseFile(server), [documentId])).toEqual([]);
  });

  it('[E2] codings written while their transcript is deleted are answered 201 or 404 and leave nothing behind', async () => {
    const created = async (title: string) => (await study.owner.api.post(`/projects/${study.projectId}/documents`, { title, text: withdrawnText })).body.id as string;
    const racing = await Promise.all(['Race 1', 'Race 2', 'Race 3', 'Race 4', 'Race 5', 'Race 6'].map(created));
    const text = (await study.owner.api.get(`/projects/${study.projectId}/documents/${racing[0]}`)).body.text as string;
    const start = text.indexOf('Harrowgate');
    const statuses = await Promise.all(
      racing.flatMap((documentId) => [
        ...[study.coderA, study.coderB, study.coderA, study.coderB].map(async (coder) => {
          const body = { codeId: study.codeId, start, end: start + 10 };
          return (await coder.api.post(`/projects/${study.projectId}/documents/${documentId}/codings`, body)).status;
        }),
        study.owner.api.delete(`/projects/${study.projectId}/documents/${documentId}`).then((response) => response.status * 1000),
      ]),
    );
    expect(statuses.filter((status) => status >= 1000)).toEqual(racing.map(() => 204_000));
    expect(statuses.filter((status) => status < 1000 && status !== 201 && status !== 404)).toEqual([]);
    await eventually(() => expect(racing.flatMap((id) => [...server.hocuspocus.documents.keys()].filter((name) => name.includes(id)))).toEqual([]));
    expect(documentRowsNaming(databaseFile(server), racing)).toEqual([]);
  });

  it('[E2] an update reaching the live document after its deletion is neither logged nor compacted back', async () => {
    const documentId = (await study.owner.api.post(`/projects/${study.projectId}/documents`, { title: 'Late', text: withdrawnText })).body.id as string;
    const name = documentNames.transcript(documentId);
    // Held open the way a server-side reader holds it, so the deletion cannot unload it at once.
    const held = await server.hocuspocus.openDirectConnection(name);
    expect((await study.owner.api.delete(`/projects/${study.projectId}/documents/${documentId}`)).status).toBe(204);
    expect(documentRowsNaming(databaseFile(server), [documentId])).toEqual([]);
    // Written after the erase, then stored at once (a direct connection's store is not debounced).
    await held.transact((document) => appendTurns(document, [{ speaker: 'P7', timestamp: null, text: 'A late Harrowgate hub remark' }]));
    await held.disconnect();
    await eventually(() => expect(server.hocuspocus.documents.has(name)).toBe(false));
    expect(documentRowsNaming(databaseFile(server), [documentId])).toEqual([]);
  });

  it('[E2] after a restart it is still gone, and the rest is still there', async () => {
    await server.stop();
    server = await startTestServer({}, server.dataDir);
    expect(documentRowsNaming(databaseFile(server), [study.withdrawn])).toEqual([]);
    const owner = new Api(server.url, study.owner.token);
    expect((await owner.get(path())).status).toBe(404);
    const again = await openOutcome(server.wsUrl, documentNames.transcript(study.withdrawn), study.owner.token);
    expect(again).toEqual({ ok: false, reason: 'forbidden: no such document' });
    expect((await owner.get(`/projects/${study.projectId}/documents/${study.kept}/codings?layer=all`)).body).toHaveLength(keptCodings);
    expect((await owner.get(`/projects/${study.projectId}/rounds/${study.roundId}`)).body.deletedTranscripts).toBe(1);
  });
});

describe('deleting a project', () => {
  let server: TestServer;

  beforeAll(async () => {
    // Websocket edits of a codebook wait this long to become a version: one is still waiting when its project is deleted.
    server = await startTestServer({ limits: { ...defaultLimits, codebookEditVersionDebounceMs: 10 * 60_000 } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('[E4] [A2] the owner confirms with the exact name; other roles get 403 and non-members 404, and nothing is deleted', async () => {
    const { owner, project, members } = await projectWithMembers(server, ['adjudicator', 'coder']);
    const [adjudicator, coderA] = members;
    const projectId = project.id as string;
    const remove = (user: TestUser, body?: unknown) => user.api.request('DELETE', `/projects/${projectId}`, body);
    const missing = await remove(owner);
    expect([missing.status, missing.body.error.code]).toEqual([400, 'invalid_request']);
    const unnamed = await remove(owner, {});
    expect([unnamed.status, unnamed.body.error.message]).toEqual([400, "confirmName: type the project's name to confirm the deletion"]);
    const wrong = await remove(owner, { confirmName: 'study' });
    expect([wrong.status, wrong.body.error.code, wrong.body.error.message]).toEqual([
      400,
      'name_mismatch',
      `confirmName: type the project's name exactly as it is, "Study", to delete it`,
    ]);
    expect((await remove(adjudicator, { confirmName: 'Study' })).body.error.message).toBe('only project owners delete the project');
    expect((await remove(coderA, { confirmName: 'Study' })).status).toBe(403);
    const outsider = await registerUser(server, 'Outsider');
    expect((await remove(outsider, { confirmName: 'Study' })).status).toBe(404);
    expect((await owner.api.get(`/projects/${projectId}`)).status).toBe(200);
  });

  it('[E4] deleting it erases every document and record of it and closes its editors; its members keep their accounts', async () => {
    const study = await codedStudy(server);
    const { owner, coderA, projectId } = study;
    await owner.api.post(`/projects/${projectId}/members`, { email: 'later@example.org', role: 'coder' });
    await owner.api.request('PUT', `/projects/${projectId}/pseudonyms`, { mapping: [{ original: 'Dr Quillbrook', replacement: 'Clinician A' }] });
    const codebook = await openEditor(server, documentNames.codebook(projectId), coderA);
    const layer = await openEditor(server, layerDocumentName(study.kept, coderA.id), coderA);
    const ownersCodebook = await openEditor(server, documentNames.codebook(projectId), owner);
    putCode(ownersCodebook.doc, { id: 'late-code', name: 'Late code', parentId: null, order: 9, color: '#123456', definition: '', inclusion: '', exclusion: '', example: '', archived: false });
    await eventually(() => expect(readCodes(codebook.doc).map((code) => code.id)).toContain('late-code'));

    expect((await owner.api.request('DELETE', `/projects/${projectId}`, { confirmName: 'Study' })).status).toBe(204);
    expect(closeEventForReason(await codebook.closedWith)).toEqual(closeCodes.documentDeleted);
    expect(closeEventForReason(await layer.closedWith)).toEqual(closeCodes.documentDeleted);
    // The codebook edit waiting to become a version was recorded before the project went: recording
    // what is still waiting (as a shutdown does) finds nothing of the deleted project.
    await expect(server.services.codebookHistory.flush()).resolves.toBeUndefined();
    expect((await owner.api.get(`/projects/${projectId}`)).status).toBe(404);
    expect((await coderA.api.get(`/projects/${projectId}/documents/${study.kept}`)).status).toBe(404);
    expect((await owner.api.get('/projects')).body.map((project: { id: string }) => project.id)).not.toContain(projectId);
    const file = databaseFile(server);
    expect(documentRowsNaming(file, [projectId, study.withdrawn, study.kept])).toEqual([]);
    for (const table of ['memberships', 'invitations', 'documents', 'rounds', 'codebook_versions', 'pseudonym_mappings'])
      expect([table, rowCount(file, table, 'project_id', projectId)]).toEqual([table, 0]);
    const bytes = databaseBytes(file);
    for (const words of [...withdrawnWords, 'Dr Quillbrook']) expect(holds(bytes, words)).toBe(false);
    expect((await coderA.api.get('/me')).status).toBe(200);
    const again = await openOutcome(server.wsUrl, documentNames.codebook(projectId), coderA.token);
    expect(again).toEqual({ ok: false, reason: 'forbidden: no such document' });
  });

  it('[E4] the placeholder accounts an import made for its coders go with it', async () => {
    const owner = await registerUser(server, 'Importer');
    const file = JSON.stringify({
      format: 'cocode-project',
      version: 1,
      project: {
        name: 'Imported study',
        blind: true,
        users: [{ id: 'u', name: 'Imported coder Quillbrook' }],
        codes: [{ id: 'c', name: 'C', parentId: null, order: 0, color: '#112233', definition: '', inclusion: '', exclusion: '', example: '', archived: false }],
        sources: [{ id: 's', title: 'S', turns: [{ speaker: 'A', timestamp: null, text: 'short and sweet' }], attributes: {} }],
        codings: [{ id: 'k', sourceId: 's', layer: { kind: 'coder', userId: 'u' }, codeId: 'c', start: 0, end: 5, memo: '', createdAt: '2025-01-01T00:00:00Z', createdBy: 'u' }],
      },
    });
    const imported = await upload(owner.api, '/projects/import', [{ field: 'file', fileName: 'study.json', content: file }]);
    expect(imported.status).toBe(201);
    const placeholder = imported.body.report.coders.find((coder: { as: string }) => coder.as === 'placeholder');
    expect(await server.storage.relational.getUserById(placeholder.userId)).not.toBeNull();
    expect((await owner.api.request('DELETE', `/projects/${imported.body.project.id}`, { confirmName: 'Imported study' })).status).toBe(204);
    expect(await server.storage.relational.getUserById(placeholder.userId)).toBeNull();
  });
});

describe('a failed import', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('[E4] an import that fails after its documents were written leaves no log row, snapshot or record behind', async () => {
    const owner = await registerUser(server, 'Importer');
    const file = databaseFile(server);
    const storedNames = async () => (await server.storage.documents.listDocumentNames()).sort();
    const before = { names: await storedNames(), projects: (await owner.api.get('/projects')).body.length };
    // The storage refuses the placeholder account the import makes last, after every document and
    // transcript record was written: a failing disk or database as the server meets it.
    const db = new Database(file);
    db.exec(`CREATE TRIGGER refuse_placeholders BEFORE INSERT ON users WHEN NEW.email LIKE '%@imported.invalid'
             BEGIN SELECT RAISE(ABORT, 'storage refused the account'); END`);
    try {
      const project = {
        format: 'cocode-project',
        version: 1,
        project: {
          name: 'Never stored',
          blind: true,
          users: [{ id: 'u', name: 'Imported coder' }],
          codes: [{ id: 'c', name: 'C', parentId: null, order: 0, color: '#112233', definition: '', inclusion: '', exclusion: '', example: '', archived: false }],
          sources: ['first', 'second'].map((id) => ({ id, title: id, turns: [{ speaker: 'A', timestamp: null, text: `The ${id} Harrowgate hub interview` }], attributes: {} })),
          codings: [{ id: 'k', sourceId: 'first', layer: { kind: 'coder', userId: 'u' }, codeId: 'c', start: 0, end: 9, memo: '', createdAt: '2025-01-01T00:00:00Z', createdBy: 'u' }],
        },
      };
      const response = await upload(owner.api, '/projects/import', [{ field: 'file', fileName: 'study.json', content: JSON.stringify(project) }]);
      expect(response.status).toBe(500);
    } finally {
      db.exec('DROP TRIGGER refuse_placeholders');
      db.close();
    }
    expect(await storedNames()).toEqual(before.names);
    expect((await owner.api.get('/projects')).body).toHaveLength(before.projects);
    expect(holds(databaseBytes(file), 'Harrowgate hub interview')).toBe(false);
  });
});

describe.skipIf(!postgresAvailable)('deleting a transcript on PostgreSQL', () => {
  let database: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await startTestServer({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await server.dispose();
    await database.drop();
  });

  it('[E2] [E3] its editors are closed with 4410, no table has a row naming its documents, and a restart brings nothing back', async () => {
    const study = await codedStudy(server);
    const editor = await openEditor(server, layerDocumentName(study.withdrawn, study.coderA.id), study.coderA);
    expect((await study.owner.api.delete(`/projects/${study.projectId}/documents/${study.withdrawn}`)).status).toBe(204);
    expect(closeEventForReason(await editor.closedWith)).toEqual(closeCodes.documentDeleted);
    const rows = async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows: found } = await client.query(
          `SELECT name FROM ydoc_snapshots UNION ALL SELECT name FROM ydoc_updates UNION ALL SELECT document_name FROM round_frozen_states
           UNION ALL SELECT id FROM documents`,
        );
        return found.map((row) => row.name as string).filter((name) => name.includes(study.withdrawn));
      } finally {
        await client.end();
      }
    };
    expect(await rows()).toEqual([]);
    await server.stop();
    server = await startTestServer({ databaseUrl: database.url }, server.dataDir);
    expect(await rows()).toEqual([]);
    const owner = new Api(server.url, study.owner.token);
    expect((await owner.get(`/projects/${study.projectId}/rounds/${study.roundId}`)).body).toMatchObject({ documentIds: [study.kept], deletedTranscripts: 1 });
  });
});

describe.skipIf(!postgresAvailable || !redisAvailable)('deleting a transcript with two instances', () => {
  let database: TestDatabase;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    const shared = { databaseUrl: database.url, redisUrl, redisPrefix: uniqueRedisPrefix() };
    first = await startTestServer(shared);
    second = await startTestServer(shared);
  });
  afterAll(async () => {
    await first.dispose();
    await second.dispose();
    await database.drop();
  });

  it('[E2] [S1] a deletion through one instance closes and unloads the documents open on the other, which writes nothing back', async () => {
    const study = await codedStudy(first);
    const name = layerDocumentName(study.withdrawn, study.coderA.id);
    const editor = await openEditor(second, name, study.coderA);
    expect(second.hocuspocus.documents.has(name)).toBe(true);
    expect((await study.owner.api.delete(`/projects/${study.projectId}/documents/${study.withdrawn}`)).status).toBe(204);
    expect(closeEventForReason(await editor.closedWith)).toEqual(closeCodes.documentDeleted);
    await eventually(() => expect(second.hocuspocus.documents.has(name)).toBe(false));
    await second.stop();
    expect((await first.storage.documents.listDocumentNames()).filter((stored) => stored.includes(study.withdrawn))).toEqual([]);
  });
});
