/**
 * One set of gates for both websocket protocols (SPEC H1, H8, I1): the connection cap counts the
 * sockets of /collab and /yjs on a document together, and the bridge's own refusals are counted in
 * the same `CocodeServer.refusals` as those of /collab.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defaultLimits } from '../../server/config';
import { closeCodes } from '../../shared/collab/closeCodes';
import { documentNames } from '../../shared/collab/documentNames';
import { eventually } from '../helpers/poll';
import { connectProvider, openOutcome, type TestProvider } from '../helpers/providers';
import { projectWithMembers, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const connectionsPerDocumentMax = 2;

let server: TestServer;
let owner: TestUser;
let projectId: string;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer({ limits: { ...defaultLimits, connectionsPerDocumentMax } });
  const setup = await projectWithMembers(server, []);
  owner = setup.owner;
  projectId = setup.project.id;
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server.dispose();
});

/** A raw /yjs socket: resolves its close code, and whether the server started syncing first. */
function yjsSocket(name: string, token: string | null) {
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${name}${query}`);
  socket.on('error', () => {});
  cleanups.push(() => socket.terminate());
  let synced = false;
  socket.on('message', () => {
    synced = true;
  });
  const opened = new Promise<void>((resolve) => socket.once('message', () => resolve()));
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  return { socket, opened, closed, synced: () => synced };
}

function hocuspocus(name: string): TestProvider {
  const connection = connectProvider(server.wsUrl, name, owner.token);
  cleanups.push(() => connection.destroy());
  return connection;
}

describe('gates shared by /collab and /yjs', () => {
  it('[H1][I1] a /yjs socket counts towards the cap of /collab connections, and the other way round', async () => {
    const name = documentNames.codebook(projectId);
    const first = hocuspocus(name);
    await first.synced;
    const bridged = yjsSocket(name, owner.token);
    await bridged.opened;
    const before = server.refusals.count(closeCodes.tooManyConnections);

    // Two connections of two protocols fill the document: a third of either protocol is refused.
    const refusedOverCollab = await openOutcome(server.wsUrl, name, owner.token);
    expect(refusedOverCollab).toEqual({ ok: false, reason: closeCodes.tooManyConnections.reason });
    const refusedOverYjs = yjsSocket(name, owner.token);
    expect(await refusedOverYjs.closed).toBe(closeCodes.tooManyConnections.code);
    expect(refusedOverYjs.synced()).toBe(false);
    expect(server.refusals.count(closeCodes.tooManyConnections)).toBe(before + 2);

    // A closed bridge socket frees its place at once.
    bridged.socket.close();
    await bridged.closed;
    const third = hocuspocus(name);
    await third.synced;
    first.destroy();
    third.destroy();
    await eventually(() => expect(server.hocuspocus.documents.get(name)?.getConnections().length ?? 0).toBe(0));
  });

  it('[H8][I1] the bridge\'s refusals are counted with the same close codes as /collab', async () => {
    const name = documentNames.codebook(projectId);
    const unauthorized = server.refusals.count(closeCodes.unauthorized);
    const forbidden = server.refusals.count(closeCodes.forbidden);
    const malformed = server.refusals.count(closeCodes.malformedMessage);

    expect(await yjsSocket(name, 'not-a-token').closed).toBe(closeCodes.unauthorized.code);
    expect(await yjsSocket('not-a-document', owner.token).closed).toBe(closeCodes.forbidden.code);
    const textFrame = yjsSocket(documentNames.codebook(projectId), owner.token);
    await textFrame.opened;
    textFrame.socket.send('hello');
    expect(await textFrame.closed).toBe(closeCodes.malformedMessage.code);

    expect(server.refusals.count(closeCodes.unauthorized)).toBe(unauthorized + 1);
    expect(server.refusals.count(closeCodes.forbidden)).toBe(forbidden + 1);
    expect(server.refusals.count(closeCodes.malformedMessage)).toBe(malformed + 1);
  });

  it('[H8][A1] /collab authentication refusals are counted the same way', async () => {
    const before = server.refusals.count(closeCodes.unauthorized);
    const refused = await openOutcome(server.wsUrl, documentNames.codebook(projectId), 'not-a-token');
    expect(refused).toEqual({ ok: false, reason: 'unauthorized: missing or invalid credentials' });
    expect(server.refusals.count(closeCodes.unauthorized)).toBe(before + 1);
  });
});
