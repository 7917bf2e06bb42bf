/**
 * SPEC I1: plain Yjs clients (y-websocket's WebsocketProvider) on `/yjs/<name>` edit the same live
 * documents as Hocuspocus clients, under the same authorization (A1–A4) and durability (D1, D3).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { sessionCookieName } from '../../server/auth/tokens';
import { defaultLimits } from '../../server/config';
import { closeCodes } from '../../shared/collab/closeCodes';
import { documentNames } from '../../shared/collab/documentNames';
import { putCoding, readCodings } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { codingAt } from '../helpers/codings';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import {
  makeDataDir,
  projectWithMembers,
  sampleTranscript,
  startTestServer,
  type TestServer,
  type TestUser,
} from '../helpers/server';

/** Small enough to exceed cheaply in the payload test, far above any frame the other tests send. */
const websocketMaxPayloadBytes = 64 * 1024;
/** Two codings per layer, so the third shows that bridge writes meet the same limits (SPEC H5). */
const codingsPerLayerMax = 2;
/** Long enough that no compaction folds log rows into the snapshot while a test counts them. */
const noCompaction = { storeDebounceMs: 600_000, storeMaxDebounceMs: 600_000 };
/** Far below the 30 s awareness timeout, so a removal seen within it was done by the server. */
const awarenessCleanupTimeoutMs = 15_000;

interface ProjectSetup {
  owner: TestUser;
  members: TestUser[];
  projectId: string;
  codeId: string;
}

interface YjsClient {
  provider: WebsocketProvider;
  doc: Y.Doc;
  synced: Promise<void>;
  /** Resolves when the server closed the socket with a 44xx code (y-websocket then stops retrying). */
  refused: Promise<{ code: number; reason: string }>;
  destroy(): void;
}

let server: TestServer;
/** Open project: coder, coder, viewer. */
let open: ProjectSetup;
/** Blind project: coder, coder. */
let blind: ProjectSetup;
const cleanups: (() => void)[] = [];

async function setUpProject(roles: ('coder' | 'viewer')[], blindMode: boolean, on: { url: string } = server): Promise<ProjectSetup> {
  const { owner, project, members } = await projectWithMembers(on, roles, { blind: blindMode });
  const codeId = (await owner.api.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body.id;
  return { owner, members, projectId: project.id, codeId };
}

beforeAll(async () => {
  server = await startTestServer({ ...noCompaction, limits: { ...defaultLimits, websocketMaxPayloadBytes, codingsPerLayerMax } });
  open = await setUpProject(['coder', 'coder', 'viewer'], false);
  blind = await setUpProject(['coder', 'coder'], true);
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server.dispose();
});

async function newDocument(setup: ProjectSetup): Promise<string> {
  const response = await setup.owner.api.post(`/projects/${setup.projectId}/documents`, { title: 'Interview', text: sampleTranscript });
  expect(response.status).toBe(201);
  return response.body.id;
}

const yjsUrl = (on: { url: string }) => `${on.url.replace(/^http/, 'ws')}/yjs`;

function connectYjs(name: string, token: string | null, on: { url: string } = server): YjsClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(yjsUrl(on), name, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: token === null ? {} : { token },
    // Providers of one room in one process would also sync over a BroadcastChannel, around the server.
    disableBc: true,
  });
  const synced = new Promise<void>((resolve) => {
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) resolve();
    });
  });
  const refused = new Promise<{ code: number; reason: string }>((resolve) => {
    provider.on('closed', (event: { code: number; reason: string }) => resolve(event));
  });
  const destroy = () => provider.destroy();
  cleanups.push(destroy);
  return { provider, doc, synced, refused, destroy };
}

async function connectHocuspocus(name: string, user: TestUser, on: TestServer = server): Promise<TestProvider> {
  const connection = connectProvider(on.wsUrl, name, user.token);
  cleanups.push(() => connection.destroy());
  await connection.synced;
  return connection;
}

/** Writes a coding the way an editor does: anchors from the client's own replica of the transcript. */
function codeLocally(layer: Y.Doc, transcript: Y.Doc, quote: string, setup: ProjectSetup, by: string): void {
  const index = new TranscriptIndex(transcript);
  const start = index.text.indexOf(quote);
  expect(start).toBeGreaterThanOrEqual(0);
  putCoding(layer, codingAt(index, start, start + quote.length, setup.codeId, by));
}

const quotes = (doc: Y.Doc | undefined) => (doc ? readCodings(doc).map((coding) => coding.quote).sort() : []);
const liveDocument = (name: string, on: TestServer = server) => on.hocuspocus.documents.get(name);
const logRowCount = async (name: string) => (await server.storage.documents.loadDocument(name)).updates.length;

/** Everything the durable store would restore: snapshot plus log, replayed into a fresh doc. */
async function durableState(name: string): Promise<Y.Doc> {
  const { snapshot, updates } = await server.storage.documents.loadDocument(name);
  const doc = new Y.Doc();
  if (snapshot) Y.applyUpdate(doc, snapshot);
  for (const update of updates) Y.applyUpdate(doc, update.data);
  return doc;
}

/** A raw socket on the bridge, for what no well-behaved client sends. */
function rawSocket(name: string, options: { token?: string; cookie?: string }) {
  const query = options.token ? `?token=${encodeURIComponent(options.token)}` : '';
  const socket = new WebSocket(`${yjsUrl(server)}/${name}${query}`, {
    headers: options.cookie ? { cookie: options.cookie } : {},
  });
  cleanups.push(() => socket.terminate());
  const firstMessage = new Promise<Uint8Array>((resolve) => socket.once('message', (data) => resolve(new Uint8Array(data as Buffer))));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, firstMessage, closed };
}

describe('SPEC I1 y-websocket interop', () => {
  it('[I1][D1] a y-websocket client and a Hocuspocus client co-code one layer in both directions, through the durable log', async () => {
    const [coder] = open.members;
    const documentId = await newDocument(open);
    const layerName = documentNames.layer(documentId, coder.id);
    const hocuspocusTranscript = await connectHocuspocus(documentNames.transcript(documentId), coder);
    const hocuspocusLayer = await connectHocuspocus(layerName, coder);
    const yjsTranscript = connectYjs(documentNames.transcript(documentId), coder.token);
    const yjsLayer = connectYjs(layerName, coder.token);
    await Promise.all([yjsTranscript.synced, yjsLayer.synced]);
    expect(new TranscriptIndex(yjsTranscript.doc).text).toBe(new TranscriptIndex(hocuspocusTranscript.doc).text);
    const rowsBefore = await logRowCount(layerName);

    codeLocally(yjsLayer.doc, yjsTranscript.doc, 'Protected time', open, coder.id);
    await eventually(() => expect(quotes(hocuspocusLayer.doc)).toEqual(['Protected time']));
    expect(await logRowCount(layerName)).toBe(rowsBefore + 1);
    const overRest = await coder.api.get(`/projects/${open.projectId}/documents/${documentId}/codings?layer=${coder.id}`);
    expect(overRest.body.map((coding: { text: string; status: string }) => [coding.text, coding.status])).toEqual([['Protected time', 'ok']]);

    codeLocally(hocuspocusLayer.doc, hocuspocusTranscript.doc, 'The paperwork', open, coder.id);
    await eventually(() => expect(quotes(yjsLayer.doc)).toEqual(['Protected time', 'The paperwork']));
    expect(quotes(await durableState(layerName))).toEqual(['Protected time', 'The paperwork']);
  });

  it('[I1] awareness flows both ways and a dropped y-websocket socket is removed from the others at once', async () => {
    const [coder, otherCoder] = open.members;
    const layerName = documentNames.layer(await newDocument(open), coder.id);
    const hocuspocusLayer = await connectHocuspocus(layerName, otherCoder);
    const yjsLayer = connectYjs(layerName, coder.token);
    await yjsLayer.synced;
    yjsLayer.provider.awareness.setLocalStateField('user', { name: 'plain Yjs' });
    hocuspocusLayer.provider.setAwarenessField('user', { name: 'Hocuspocus' });
    await eventually(() => {
      // Each side is named by the server as the user its connection authenticated (SPEC A13).
      expect(hocuspocusLayer.provider.awareness?.getStates().get(yjsLayer.doc.clientID)?.user).toEqual({ id: coder.id, name: 'coder 0' });
      expect(yjsLayer.provider.awareness.getStates().get(hocuspocusLayer.doc.clientID)?.user).toEqual({ id: otherCoder.id, name: 'coder 1' });
    });

    // Drop the connection without the goodbye y-websocket would send, so only the server can clean up.
    yjsLayer.provider.shouldConnect = false;
    (yjsLayer.provider.ws as unknown as WebSocket).terminate();
    await eventually(
      () => expect(hocuspocusLayer.provider.awareness?.getStates().has(yjsLayer.doc.clientID)).toBe(false),
      awarenessCleanupTimeoutMs,
    );
  });

  it('[I1][A3] blind mode: a coder opening another coder\'s layer over /yjs is closed with 4403 before it is loaded, never synced', async () => {
    const [coderA, coderB] = blind.members;
    const documentId = await newDocument(blind);
    const layerName = documentNames.layer(documentId, coderB.id);
    const created = await coderB.api.post(`/projects/${blind.projectId}/documents/${documentId}/codings`, {
      codeId: blind.codeId,
      start: 0,
      end: 11,
    });
    expect(created.status).toBe(201);
    const createDocument = vi.spyOn(server.hocuspocus, 'createDocument');
    try {
      const peek = connectYjs(layerName, coderA.token);
      expect(await peek.refused).toEqual(closeCodes.forbidden);
      expect(peek.provider.synced).toBe(false);
      expect(readCodings(peek.doc)).toEqual([]);
      expect(createDocument.mock.calls.filter(([name]) => name === layerName)).toEqual([]);
    } finally {
      createDocument.mockRestore();
    }
  });

  it('[I1][A4] a viewer\'s writes over /yjs are not on the server, not on the other client and not in the durable log', async () => {
    const [coder, , viewer] = open.members;
    const documentId = await newDocument(open);
    const layerName = documentNames.layer(documentId, coder.id);
    const coderLayer = await connectHocuspocus(layerName, coder);
    const coderTranscript = await connectHocuspocus(documentNames.transcript(documentId), coder);
    const viewerTranscript = connectYjs(documentNames.transcript(documentId), viewer.token);
    const viewerLayer = connectYjs(layerName, viewer.token);
    await Promise.all([viewerTranscript.synced, viewerLayer.synced]);
    const rowsBefore = await logRowCount(layerName);

    codeLocally(viewerLayer.doc, viewerTranscript.doc, 'The paperwork', open, viewer.id);
    // The bridge handles one socket's frames in order: once this marker arrives, the write before it
    // has been handled.
    viewerLayer.provider.awareness.setLocalStateField('marker', 'sent after the write');
    await eventually(() =>
      expect(coderLayer.provider.awareness?.getStates().get(viewerLayer.doc.clientID)?.marker).toBe('sent after the write'),
    );
    expect(quotes(liveDocument(layerName))).toEqual([]);
    expect(quotes(coderLayer.doc)).toEqual([]);
    expect(await logRowCount(layerName)).toBe(rowsBefore);

    // The read-only socket still receives everybody else's updates.
    codeLocally(coderLayer.doc, coderTranscript.doc, 'Protected time', open, coder.id);
    await eventually(() => expect(quotes(viewerLayer.doc)).toEqual(['Protected time', 'The paperwork']));
    expect(quotes(liveDocument(layerName))).toEqual(['Protected time']);
    expect(await logRowCount(layerName)).toBe(rowsBefore + 1);
    expect(quotes(await durableState(layerName))).toEqual(['Protected time']);
  });

  it('[I1][A1] a bad or missing token is closed with 4401 and loads nothing', async () => {
    const [coder] = open.members;
    const layerName = documentNames.layer(await newDocument(open), coder.id);
    const createDocument = vi.spyOn(server.hocuspocus, 'createDocument');
    try {
      expect(await connectYjs(layerName, 'not-a-valid-token').refused).toEqual(closeCodes.unauthorized);
      expect(await connectYjs(layerName, null).refused).toEqual(closeCodes.unauthorized);
      expect(createDocument.mock.calls.filter(([name]) => name === layerName)).toEqual([]);
    } finally {
      createDocument.mockRestore();
    }
  });

  it('[I1][A1] the session cookie is accepted when no token is given', async () => {
    const [coder] = open.members;
    const layerName = documentNames.layer(await newDocument(open), coder.id);
    const { firstMessage } = rawSocket(layerName, { cookie: `${sessionCookieName}=${coder.token}` });
    // [messageSync, messageYjsSyncStep1, …]: the server opened the document and started syncing.
    expect([...(await firstMessage).slice(0, 2)]).toEqual([0, 0]);
  });

  it('[I1] a malformed or oversized frame closes only that socket; the server keeps serving', async () => {
    const [coder] = open.members;
    const layerName = documentNames.layer(await newDocument(open), coder.id);
    const malformedFrames: [string, Uint8Array | string, number][] = [
      ['unknown message type', Uint8Array.of(9), closeCodes.malformedMessage.code],
      ['unknown sync type', Uint8Array.of(0, 7, 0), closeCodes.malformedMessage.code],
      ['update length beyond the frame', Uint8Array.of(0, 2, 100, 1, 2, 3), closeCodes.malformedMessage.code],
      ['garbage update', Uint8Array.of(0, 2, 4, 255, 255, 255, 255), closeCodes.malformedMessage.code],
      ['garbage awareness', Uint8Array.of(1, 3, 1, 200, 1), closeCodes.malformedMessage.code],
      ['text frame', 'hello', closeCodes.malformedMessage.code],
      ['frame above the payload limit', new Uint8Array(websocketMaxPayloadBytes + 1), closeCodes.messageTooBig.code],
    ];
    for (const [what, frame, expectedCode] of malformedFrames) {
      const { socket, firstMessage, closed } = rawSocket(layerName, { token: coder.token });
      await firstMessage;
      socket.send(frame);
      expect({ what, code: await closed }).toEqual({ what, code: expectedCode });
    }
    const wellBehaved = connectYjs(layerName, coder.token);
    await wellBehaved.synced;
    expect(readCodings(wellBehaved.doc)).toEqual([]);
  });

  it('[I1][H5] a /yjs write past a limit is refused like a Hocuspocus write: closed with the limit\'s code, not applied', async () => {
    const [coder] = open.members;
    const documentId = await newDocument(open);
    const layerName = documentNames.layer(documentId, coder.id);
    const transcript = connectYjs(documentNames.transcript(documentId), coder.token);
    const layer = connectYjs(layerName, coder.token);
    await Promise.all([transcript.synced, layer.synced]);
    codeLocally(layer.doc, transcript.doc, 'Protected time', open, coder.id);
    codeLocally(layer.doc, transcript.doc, 'The paperwork', open, coder.id);
    await eventually(() => expect(quotes(liveDocument(layerName))).toEqual(['Protected time', 'The paperwork']));
    codeLocally(layer.doc, transcript.doc, 'Two sessions', open, coder.id);
    expect(await layer.refused).toEqual(closeCodes.tooManyCodings);
    expect(quotes(liveDocument(layerName))).toEqual(['Protected time', 'The paperwork']);
    expect(quotes(await durableState(layerName))).toEqual(['Protected time', 'The paperwork']);
  });

  it('[I1][A3] turning blind mode on closes an open /yjs socket on another coder\'s layer with 4403', async () => {
    const setup = await setUpProject(['coder', 'coder'], false);
    const [coderA, coderB] = setup.members;
    const layerName = documentNames.layer(await newDocument(setup), coderB.id);
    const peek = connectYjs(layerName, coderA.token);
    await peek.synced;
    expect((await setup.owner.api.patch(`/projects/${setup.projectId}`, { blind: true })).status).toBe(200);
    expect(await peek.refused).toEqual(closeCodes.forbidden);
  });

  it('[I1][A3][A4] lowering a coder to viewer makes an open /yjs socket read-only at once', async () => {
    const setup = await setUpProject(['coder'], false);
    const [coder] = setup.members;
    const documentId = await newDocument(setup);
    const layerName = documentNames.layer(documentId, coder.id);
    const owner = await connectHocuspocus(layerName, setup.owner);
    const transcript = connectYjs(documentNames.transcript(documentId), coder.token);
    const layer = connectYjs(layerName, coder.token);
    await Promise.all([transcript.synced, layer.synced]);
    codeLocally(layer.doc, transcript.doc, 'Protected time', setup, coder.id);
    await eventually(() => expect(quotes(owner.doc)).toEqual(['Protected time']));

    expect((await setup.owner.api.patch(`/projects/${setup.projectId}/members/${coder.id}`, { role: 'viewer' })).status).toBe(200);
    codeLocally(layer.doc, transcript.doc, 'The paperwork', setup, coder.id);
    layer.provider.awareness.setLocalStateField('marker', 'sent after the write');
    await eventually(() => expect(owner.provider.awareness?.getStates().get(layer.doc.clientID)?.marker).toBe('sent after the write'));
    expect(quotes(liveDocument(layerName))).toEqual(['Protected time']);
    expect(quotes(owner.doc)).toEqual(['Protected time']);
  });

  it('[I1][D3] codings written over /yjs survive a restart on the same data folder', async () => {
    const dataDir = makeDataDir();
    const first = await startTestServer({}, dataDir);
    const setup = await setUpProject(['coder'], false, first);
    const [coder] = setup.members;
    const documentId = await newDocument(setup);
    const layerName = documentNames.layer(documentId, coder.id);
    const transcript = connectYjs(documentNames.transcript(documentId), coder.token, first);
    const layer = connectYjs(layerName, coder.token, first);
    await Promise.all([transcript.synced, layer.synced]);
    codeLocally(layer.doc, transcript.doc, 'Protected time', setup, coder.id);
    codeLocally(layer.doc, transcript.doc, 'The paperwork', setup, coder.id);
    await eventually(() => expect(quotes(liveDocument(layerName, first))).toEqual(['Protected time', 'The paperwork']));
    transcript.destroy();
    layer.destroy();
    await first.stop();

    const second = await startTestServer({}, dataDir);
    try {
      const reopened = await connectHocuspocus(layerName, coder, second);
      expect(quotes(reopened.doc)).toEqual(['Protected time', 'The paperwork']);
      expect(Y.encodeStateVector(reopened.doc)).toEqual(Y.encodeStateVector(layer.doc));
      reopened.destroy();
    } finally {
      await second.dispose();
    }
  });
});
