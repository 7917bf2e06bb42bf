/**
 * SPEC H1–H8, one limit at a time against a real server with small limits: over the cap the input
 * is refused with the documented close code (and nothing of it is applied); under the cap it works.
 */
import { MessageType } from '@hocuspocus/server';
import { AuthMessageType } from '@hocuspocus/common';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type CloseEvent, closeCodes, closeEventForReason } from '../../shared/collab/closeCodes';
import { documentNames } from '../../shared/collab/documentNames';
import { countCodings, putCoding, transcriptFragment } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { defaultLimits } from '../../server/config';
import { authFrame, frame } from '../helpers/hocuspocusFrames';
import { eventually } from '../helpers/poll';
import { connectProvider, openOutcome, type TestProvider } from '../helpers/providers';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const limits = {
  ...defaultLimits,
  connectionsPerDocumentMax: 3,
  preAuthMaxMessages: 20,
  preAuthMaxBytes: 64 * 1024,
  preAuthDeadlineMs: 2_000,
  documentMaxBytes: 64 * 1024,
  codingsPerLayerMax: 5,
  transcriptMaxChars: 400,
};

let server: TestServer;
let owner: TestUser;
let coder: TestUser;
let projectId: string;
let documentId: string;
const open: TestProvider[] = [];

beforeAll(async () => {
  server = await startTestServer({ limits });
  const setup = await projectWithMembers(server, ['coder']);
  owner = setup.owner;
  coder = setup.members[0];
  projectId = setup.project.id;
  documentId = (await owner.api.post(`/projects/${projectId}/documents`, { title: 'T', text: sampleTranscript })).body.id;
});

afterAll(async () => {
  for (const provider of open) provider.destroy();
  await server.dispose();
});

function provider(name: string, token: string): TestProvider {
  const connection = connectProvider(server.wsUrl, name, token);
  open.push(connection);
  return connection;
}

/** Reasons of the per-document closes a provider received, mapped to their close events. */
function documentCloses(connection: TestProvider): (CloseEvent | null)[] {
  const closes: (CloseEvent | null)[] = [];
  connection.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => {
    if (event.code === 1000) closes.push(closeEventForReason(event.reason));
  });
  return closes;
}

const queryAwarenessFrame = (documentName: string, padding = 0) =>
  frame(documentName, (encoder) => {
    encoding.writeVarUint(encoder, MessageType.QueryAwareness);
    encoding.writeUint8Array(encoder, new Uint8Array(padding));
  });

/** A bare websocket speaking raw frames; records the close code and authentication answers. */
function rawSocket() {
  const socket = new WebSocket(server.wsUrl);
  const authenticated: string[] = [];
  socket.on('error', () => {});
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    decoding.readVarString(decoder);
    if (decoding.readVarUint(decoder) !== MessageType.Auth) return;
    if (decoding.readVarUint(decoder) === AuthMessageType.Authenticated) authenticated.push(decoding.readVarString(decoder));
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, opened, closed, authenticated };
}

describe('hostile input limits', () => {
  it('[H1][H8] a document takes connectionsPerDocumentMax connections; one more is refused with 4503', async () => {
    const name = documentNames.codebook(projectId);
    const first = [provider(name, owner.token), provider(name, owner.token), provider(name, coder.token)];
    await Promise.all(first.map((connection) => connection.synced));
    const before = server.refusals.count(closeCodes.tooManyConnections);
    const refused = await openOutcome(server.wsUrl, name, coder.token);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(closeEventForReason(refused.reason)).toEqual(closeCodes.tooManyConnections);
    expect(server.refusals.count(closeCodes.tooManyConnections)).toBe(before + 1);
    // Under the cap again: a freed slot can be taken.
    first[0].destroy();
    await eventually(async () => {
      const outcome = await openOutcome(server.wsUrl, name, coder.token);
      if (outcome.ok) open.push(outcome.connection);
      expect(outcome.ok).toBe(true);
    }, 10_000);
    for (const connection of first) connection.destroy();
  });

  it('[H2] more than preAuthMaxMessages frames before authentication close the socket with 4429', async () => {
    const name = documentNames.codebook(projectId);
    const hostile = rawSocket();
    await hostile.opened;
    for (let i = 0; i <= limits.preAuthMaxMessages; i += 1) hostile.socket.send(queryAwarenessFrame(name));
    expect(await hostile.closed).toBe(closeCodes.tooManyMessagesBeforeAuthentication.code);

    // Under the cap: the queued frames are kept and the socket authenticates normally.
    const polite = rawSocket();
    await polite.opened;
    for (let i = 0; i < limits.preAuthMaxMessages - 1; i += 1) polite.socket.send(queryAwarenessFrame(name));
    polite.socket.send(authFrame(name, owner.token));
    await eventually(() => expect(polite.authenticated).toEqual(['read-write']), 10_000);
    expect(polite.socket.readyState).toBe(WebSocket.OPEN);
    polite.socket.close();
  });

  it('[H2] more than preAuthMaxBytes before authentication close the socket with 4430', async () => {
    const name = documentNames.codebook(projectId);
    const hostile = rawSocket();
    await hostile.opened;
    hostile.socket.send(queryAwarenessFrame(name, 40 * 1024));
    hostile.socket.send(queryAwarenessFrame(name, 40 * 1024));
    expect(await hostile.closed).toBe(closeCodes.tooMuchDataBeforeAuthentication.code);

    const polite = rawSocket();
    await polite.opened;
    polite.socket.send(queryAwarenessFrame(name, 40 * 1024));
    polite.socket.send(authFrame(name, owner.token));
    await eventually(() => expect(polite.authenticated).toEqual(['read-write']), 10_000);
    polite.socket.close();
  });

  it('[H3] a socket that has not authenticated preAuthDeadlineMs after opening is closed with 4408, however chatty', async () => {
    const name = documentNames.codebook(projectId);
    const chatty = rawSocket();
    await chatty.opened;
    // A frame every 100 ms (under the message cap within the deadline): traffic does not refresh it.
    const timer = setInterval(() => chatty.socket.readyState === WebSocket.OPEN && chatty.socket.send(queryAwarenessFrame(name)), 100);
    expect(await chatty.closed).toBe(closeCodes.authenticationTimeout.code);
    clearInterval(timer);

    // Authenticated in time: still open well after the deadline.
    const connection = provider(name, coder.token);
    await connection.synced;
    await new Promise((resolve) => setTimeout(resolve, limits.preAuthDeadlineMs + 500));
    expect(connection.provider.isAuthenticated).toBe(true);
    connection.destroy();
  });

  it('[H4][H8] an update that would make a document larger than documentMaxBytes is refused with 4507 and not applied', async () => {
    const name = documentNames.codebook(projectId);
    const writer = provider(name, owner.token);
    const observer = provider(name, coder.token);
    await Promise.all([writer.synced, observer.synced]);
    const closes = documentCloses(writer);
    const before = server.refusals.count(closeCodes.documentTooLarge);

    writer.doc.getMap('probe').set('small', 'x'.repeat(1_000));
    await eventually(() => expect(observer.doc.getMap('probe').get('small')).toHaveLength(1_000));

    writer.doc.getMap('probe').set('huge', 'y'.repeat(limits.documentMaxBytes));
    await eventually(() => expect(closes).toEqual([closeCodes.documentTooLarge]), 10_000);
    expect(server.refusals.count(closeCodes.documentTooLarge)).toBe(before + 1);
    // Not broadcast, not in the server's document (so not logged either).
    const fresh = provider(name, coder.token);
    await fresh.synced;
    expect(fresh.doc.getMap('probe').get('small')).toHaveLength(1_000);
    expect(fresh.doc.getMap('probe').has('huge')).toBe(false);
    expect(observer.doc.getMap('probe').has('huge')).toBe(false);
    for (const connection of [writer, observer, fresh]) connection.destroy();
  });

  it('[H5] an update that would give a layer more than codingsPerLayerMax codings is refused with 4409', async () => {
    const name = documentNames.layer(documentId, coder.id);
    const writer = provider(name, coder.token);
    await writer.synced;
    const closes = documentCloses(writer);
    // Valid codings (SPEC K1–K4), so that only the count is over a limit.
    const codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Counted' })).body.id;
    const anchor = (clock: number) => Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client: 1, clock } }));
    const coding = (id: string) => ({
      id,
      codeId,
      start: anchor(0),
      end: anchor(1),
      quote: 'q',
      lastStart: 0,
      lastEnd: 1,
      memo: '',
      createdAt: new Date().toISOString(),
      createdBy: coder.id,
      orphaned: false,
    });
    for (let i = 0; i < limits.codingsPerLayerMax; i += 1) putCoding(writer.doc, coding(`ok-${i}`));
    const check = provider(name, owner.token);
    await check.synced;
    await eventually(() => expect(countCodings(check.doc)).toBe(limits.codingsPerLayerMax));
    expect(closes).toEqual([]);

    putCoding(writer.doc, coding('one-too-many'));
    await eventually(() => expect(closes).toEqual([closeCodes.tooManyCodings]), 10_000);
    const fresh = provider(name, owner.token);
    await fresh.synced;
    expect(countCodings(fresh.doc)).toBe(limits.codingsPerLayerMax);
    for (const connection of [writer, check, fresh]) connection.destroy();
  });

  it('[H6] an edit that makes the transcript longer than transcriptMaxChars is refused with 4413', async () => {
    const name = documentNames.transcript(documentId);
    const writer = provider(name, owner.token);
    await writer.synced;
    const closes = documentCloses(writer);
    const firstTurnText = () => (transcriptFragment(writer.doc).get(0) as Y.XmlElement).firstChild as Y.XmlText;
    const length = new TranscriptIndex(writer.doc).length;
    firstTurnText().insert(0, 'a'.repeat(limits.transcriptMaxChars - length));
    const check = provider(name, coder.token);
    await check.synced;
    await eventually(() => expect(new TranscriptIndex(check.doc).length).toBe(limits.transcriptMaxChars));

    firstTurnText().insert(0, 'b');
    await eventually(() => expect(closes).toEqual([closeCodes.transcriptTooLong]), 10_000);
    const fresh = provider(name, coder.token);
    await fresh.synced;
    expect(new TranscriptIndex(fresh.doc).length).toBe(limits.transcriptMaxChars);
    for (const connection of [writer, check, fresh]) connection.destroy();
  });

  it('[H7] an unreadable frame header closes the socket with 4400; an undecodable update closes the document with 4400', async () => {
    const garbage = rawSocket();
    await garbage.opened;
    garbage.socket.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(await garbage.closed).toBe(closeCodes.malformedMessage.code);

    const name = documentNames.codebook(projectId);
    const writer = provider(name, owner.token);
    await writer.synced;
    const closes = documentCloses(writer);
    const broken = frame(name, (encoder) => {
      encoding.writeVarUint(encoder, MessageType.Sync);
      encoding.writeVarUint(encoder, syncProtocol.messageYjsUpdate);
      encoding.writeVarUint8Array(encoder, new Uint8Array([1, 1, 200, 1, 0, 7, 9]));
    });
    writer.provider.configuration.websocketProvider.send(broken);
    await eventually(() => expect(closes).toEqual([closeCodes.malformedMessage]), 10_000);
    writer.destroy();
  });
});
