/**
 * SPEC H1–H8 under fire: thousands of malformed and hostile frames from raw websocket clients
 * against a real server, while a legitimate writer and observer keep working on their document.
 * Seeded: a failure prints the seed; FUZZ_SEED=<seed> replays it.
 */
import { AuthMessageType } from '@hocuspocus/common';
import { MessageType } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { closeCodes, closeEventForReason } from '../../shared/collab/closeCodes';
import { documentNames } from '../../shared/collab/documentNames';
import { defaultLimits } from '../../server/config';
import { authFrame, frame } from '../helpers/hocuspocusFrames';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: small, fast, good enough to pick fuzz inputs reproducibly. */
function prng(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const int = (below: number) => Math.floor(random() * below);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const randomBytes = (length: number) => Uint8Array.from({ length }, () => int(256));

const limits = {
  ...defaultLimits,
  websocketMaxPayloadBytes: 64 * 1024,
  preAuthMaxMessages: 40,
  preAuthMaxBytes: 32 * 1024,
  preAuthDeadlineMs: 1_000,
};

/** Close codes a server-initiated close may carry: ours (SPEC H2, H3, H7) and the websocket protocol's. */
const allowedSocketCloses = new Set([
  closeCodes.malformedMessage.code,
  closeCodes.authenticationTimeout.code,
  closeCodes.tooManyMessagesBeforeAuthentication.code,
  closeCodes.tooMuchDataBeforeAuthentication.code,
  closeCodes.messageTooBig.code,
  1002, // protocol error (bad opcode, bad masking)
  1007, // invalid UTF-8 in a text frame
]);

let server: TestServer;
let owner: TestUser;
let coder: TestUser;
let legitName: string;
let sandboxName: string;
let forbiddenName: string;

beforeAll(async () => {
  server = await startTestServer({ limits });
  const setup = await projectWithMembers(server, ['coder'], { blind: true });
  owner = setup.owner;
  coder = setup.members[0];
  const document = (await owner.api.post(`/projects/${setup.project.id}/documents`, { title: 'T', text: sampleTranscript })).body;
  legitName = documentNames.codebook(setup.project.id);
  sandboxName = documentNames.transcript(document.id);
  forbiddenName = documentNames.consensus(document.id);
});

afterAll(async () => {
  await server.dispose();
});

const updateFrame = (documentName: string, update: Uint8Array) =>
  frame(documentName, (encoder) => {
    encoding.writeVarUint(encoder, MessageType.Sync);
    encoding.writeVarUint(encoder, pick([syncProtocol.messageYjsUpdate, syncProtocol.messageYjsSyncStep2]));
    encoding.writeVarUint8Array(encoder, update);
  });

/** A real update from a scratch document with random edits of the kinds cocode documents hold. */
function randomUpdate(): Uint8Array {
  const doc = new Y.Doc();
  for (let i = 0, n = 1 + int(5); i < n; i += 1) {
    if (random() < 0.5) doc.getMap(pick(['codes', 'codings', 'meta'])).set(`k${int(1000)}`, 'v'.repeat(int(200)));
    else doc.getText('transcript').insert(0, 'w'.repeat(1 + int(100)));
  }
  return Y.encodeStateAsUpdate(doc);
}

/** A valid update, cut short or with bytes overwritten. */
function brokenUpdate(): Uint8Array {
  const update = randomUpdate();
  if (random() < 0.5) return update.slice(0, 1 + int(update.length - 1));
  for (let i = 0, n = 1 + int(4); i < n; i += 1) update[int(update.length)] = int(256);
  return update;
}

/** A raw client: records the socket close code and every per-document refusal reason. */
class RawClient {
  readonly socket: WebSocket;
  readonly documentRefusals: string[] = [];
  readonly authenticated = new Set<string>();
  serverCloseCode: number | null = null;
  framesSent = 0;
  private closedByUs = false;
  readonly closed: Promise<void>;
  readonly opened: Promise<void>;

  constructor() {
    this.socket = new WebSocket(server.wsUrl);
    this.socket.on('error', () => {});
    this.socket.on('message', (data: Buffer) => this.read(new Uint8Array(data)));
    this.closed = new Promise((resolve) =>
      this.socket.on('close', (code) => {
        if (!this.closedByUs) this.serverCloseCode = code;
        resolve();
      }),
    );
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('close', () => reject(new Error('closed before open')));
    });
  }

  private read(data: Uint8Array) {
    const decoder = decoding.createDecoder(data);
    const documentName = decoding.readVarString(decoder);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.CLOSE) this.documentRefusals.push(decoding.readVarString(decoder));
    if (type !== MessageType.Auth) return;
    const authType = decoding.readVarUint(decoder);
    if (authType === AuthMessageType.PermissionDenied) this.documentRefusals.push(decoding.readVarString(decoder));
    if (authType === AuthMessageType.Authenticated) this.authenticated.add(documentName);
  }

  send(data: Uint8Array, options: { binary?: boolean } = {}) {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(data, { binary: options.binary ?? true });
    this.framesSent += 1;
  }

  async authenticate(documentName: string, token: string) {
    this.send(authFrame(documentName, token));
    await eventually(() => expect(this.authenticated.has(documentName) || this.documentRefusals.length > 0 || this.serverCloseCode !== null).toBe(true), 10_000);
  }

  close() {
    this.closedByUs = this.serverCloseCode === null;
    this.socket.terminate();
  }
}

/** One hostile client's behaviour; each sends a few dozen frames. */
const scenarios: Record<string, (client: RawClient) => Promise<void>> = {
  async randomFrames(client) {
    for (let i = 0; i < 30; i += 1) client.send(randomBytes(int(300)));
  },
  async floodBeforeAuthentication(client) {
    const name = pick([legitName, sandboxName, forbiddenName]);
    for (let i = 0; i < 60; i += 1) client.send(frame(name, (encoder) => encoding.writeUint8Array(encoder, randomBytes(1 + int(2_000)))));
  },
  async invalidUtf8DocumentNames(client) {
    for (let i = 0; i < 10; i += 1) client.send(frame(Uint8Array.from([0x63, 0xc3, 0x28, 0xff, int(256)]), (encoder) => encoding.writeVarUint(encoder, MessageType.Auth)));
  },
  async invalidUtf8TextFrames(client) {
    for (let i = 0; i < 10; i += 1) client.send(Uint8Array.from([0x61, 0xc3, 0x28, 0xfe, 0xff]), { binary: false });
  },
  async oversizedFrame(client) {
    await client.authenticate(sandboxName, owner.token);
    client.send(updateFrame(sandboxName, randomBytes(limits.websocketMaxPayloadBytes + 1)));
  },
  async brokenUpdatesFromAWriter(client) {
    await client.authenticate(sandboxName, owner.token);
    for (let i = 0; i < 30; i += 1) client.send(updateFrame(sandboxName, pick([brokenUpdate, () => randomBytes(int(400))])()));
  },
  async updatesOnAReadOnlyConnection(client) {
    await client.authenticate(legitName, coder.token);
    for (let i = 0; i < 30; i += 1) client.send(updateFrame(legitName, pick([randomUpdate, brokenUpdate])()));
  },
  async documentsTheClientMayNotOpen(client) {
    await client.authenticate(forbiddenName, coder.token);
    for (let i = 0; i < 30; i += 1) client.send(updateFrame(forbiddenName, randomUpdate()));
  },
};

async function healthAnswers(): Promise<void> {
  const response = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
}

describe('fuzzing the collaboration socket', () => {
  it('[H10] thousands of malformed and hostile frames never crash or hang the server, are refused with documented codes, and leave a legitimate session untouched', async () => {
    const legitWrites = new Map<string, number>();
    const open: TestProvider[] = [];
    let framesSent = 0;
    try {
      const writer = connectProvider(server.wsUrl, legitName, owner.token);
      const observer = connectProvider(server.wsUrl, legitName, coder.token);
      open.push(writer, observer);
      await Promise.all([writer.synced, observer.synced]);

      for (let burst = 0; burst < 12; burst += 1) {
        const clients = Array.from({ length: 8 }, () => new RawClient());
        await Promise.all(
          clients.map(async (client) => {
            const scenario = scenarios[pick(Object.keys(scenarios))];
            await client.opened;
            await scenario(client);
          }),
        );

        // The legitimate writer keeps writing through every burst; the observer keeps receiving.
        const key = `burst-${burst}`;
        writer.doc.getMap('legit').set(key, burst);
        legitWrites.set(key, burst);
        await eventually(() => expect(observer.doc.getMap('legit').toJSON()).toEqual(Object.fromEntries(legitWrites)), 10_000);
        await healthAnswers();

        // A client that never authenticated is closed by the server at the latest at the deadline.
        const unauthenticated = clients.filter((client) => client.authenticated.size === 0);
        await eventually(() => expect(unauthenticated.every((client) => client.serverCloseCode !== null)).toBe(true), limits.preAuthDeadlineMs + 10_000);
        for (const client of clients) {
          framesSent += client.framesSent;
          client.close();
          if (client.serverCloseCode !== null) expect(allowedSocketCloses).toContain(client.serverCloseCode);
          for (const reason of client.documentRefusals)
            expect(closeEventForReason(reason) !== null || /^(forbidden|unauthorized): /.test(reason), reason).toBe(true);
        }
      }

      expect(framesSent).toBeGreaterThan(2_000);
      expect(writer.provider.isAuthenticated && observer.provider.isAuthenticated).toBe(true);
      const fresh = connectProvider(server.wsUrl, legitName, coder.token);
      open.push(fresh);
      await fresh.synced;
      // Exactly what the legitimate writer wrote: no hostile frame reached the document.
      expect([...fresh.doc.share.keys()]).toEqual(['legit']);
      expect(fresh.doc.getMap('legit').toJSON()).toEqual(Object.fromEntries(legitWrites));
      expect(server.refusals.count(closeCodes.malformedMessage)).toBeGreaterThan(0);
      await healthAnswers();
    } catch (error) {
      console.error(`fuzz failed with FUZZ_SEED=${seed}`);
      throw error;
    } finally {
      for (const connection of open) connection.destroy();
    }
  }, 120_000);
});
