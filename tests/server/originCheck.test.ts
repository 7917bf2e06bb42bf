/**
 * SPEC A12: cross-site websocket hijacking. A page on another site cannot use the signed-in
 * person's session cookie to open documents over /collab or /yjs; bearer-token clients from
 * anywhere, and clients that send no Origin, keep working.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { sessionCookieName } from '../../server/auth/tokens';
import { documentNames } from '../../shared/collab/documentNames';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const evilOrigin = 'http://127.0.0.1:9';
let server: TestServer;
let configured: TestServer;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  configured = await startTestServer({ publicOrigins: ['https://cocode.example.org'] });
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server.dispose();
  await configured.dispose();
});

/** A websocket as a browser on `origin` opens it: the Origin header, and the cookie the browser holds. */
function browserSocket(origin: string, cookie: string | null) {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { origin, ...(cookie ? { cookie } : {}) } });
      this.on('error', () => {});
    }
  };
}

/** Opens a document like the web page does (empty token, cookie) or like a script (bearer token). */
function open(on: TestServer, name: string, origin: string, credential: { cookieOf?: TestUser; token?: string }): Promise<string> {
  const cookie = credential.cookieOf ? `${sessionCookieName}=${credential.cookieOf.token}` : null;
  const socket = new HocuspocusProviderWebsocket({ url: on.wsUrl, WebSocketPolyfill: browserSocket(origin, cookie) as never });
  const provider = new HocuspocusProvider({ websocketProvider: socket, name, token: credential.token ?? '', document: new Y.Doc() });
  cleanups.push(() => {
    provider.destroy();
    socket.destroy();
  });
  const outcome = new Promise<string>((resolve) => {
    provider.on('synced', () => resolve('synced'));
    provider.on('authenticationFailed', ({ reason }: { reason: string }) => resolve(reason));
  });
  provider.attach();
  return outcome;
}

function rawBridgeSocket(on: TestServer, name: string, origin: string, credential: { cookieOf?: TestUser; token?: string }) {
  const query = credential.token ? `?token=${encodeURIComponent(credential.token)}` : '';
  const headers: Record<string, string> = { origin };
  if (credential.cookieOf) headers.cookie = `${sessionCookieName}=${credential.cookieOf.token}`;
  const socket = new WebSocket(`${on.url.replace(/^http/, 'ws')}/yjs/${name}${query}`, { headers });
  socket.on('error', () => {});
  cleanups.push(() => socket.terminate());
  return new Promise<string>((resolve) => {
    socket.once('message', () => resolve('opened'));
    socket.once('close', (code) => resolve(`closed ${code}`));
  });
}

async function transcriptOf(on: TestServer) {
  const { owner, project } = await projectWithMembers(on, []);
  const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I1', text: sampleTranscript })).body;
  return { owner, name: documentNames.transcript(document.id) };
}

describe('cookie-authenticated websockets from another site', () => {
  it('[A12] /collab: the page\'s own origin may use the cookie, another site may not, a bearer token works from anywhere', async () => {
    const { owner, name } = await transcriptOf(server);
    expect(await open(server, name, server.url, { cookieOf: owner })).toBe('synced');
    expect(await open(server, name, evilOrigin, { cookieOf: owner })).toMatch(/^forbidden: cross-site websocket/);
    expect(await open(server, name, evilOrigin, { token: owner.token })).toBe('synced');
  });

  it('[A12] /yjs: the cookie from another site is refused with 4403; a token in the URL is accepted', async () => {
    const { owner, name } = await transcriptOf(server);
    expect(await rawBridgeSocket(server, name, server.url, { cookieOf: owner })).toBe('opened');
    expect(await rawBridgeSocket(server, name, evilOrigin, { cookieOf: owner })).toBe('closed 4403');
    expect(await rawBridgeSocket(server, name, evilOrigin, { token: owner.token })).toBe('opened');
  });

  it('[A12] with COCODE_PUBLIC_URL set, only the configured origins may use the cookie', async () => {
    const { owner, name } = await transcriptOf(configured);
    expect(await open(configured, name, 'https://cocode.example.org', { cookieOf: owner })).toBe('synced');
    expect(await open(configured, name, configured.url, { cookieOf: owner })).toMatch(/^forbidden: cross-site websocket/);
  });
});

describe('cookie-authenticated REST writes from another site', () => {
  it('[A12] a write with the cookie from another origin is refused and changes nothing; reads, own-origin writes and tokens work', async () => {
    const { owner } = await transcriptOf(server);
    const project = (await owner.api.post('/projects', { name: 'Cross-site', blind: true })).body;
    const cookie = `${sessionCookieName}=${owner.token}`;
    const patch = (origin: string, headers: Record<string, string> = { cookie }) =>
      fetch(`${server.url}/api/projects/${project.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', origin, ...headers },
        body: JSON.stringify({ blind: false }),
      });
    const refused = await patch(evilOrigin);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('cross_site_request');
    expect((await owner.api.get(`/projects/${project.id}`)).body.blind).toBe(true);
    expect((await fetch(`${server.url}/api/projects/${project.id}`, { headers: { cookie, origin: evilOrigin } })).status).toBe(200);
    expect((await patch(evilOrigin, { authorization: `Bearer ${owner.token}` })).status).toBe(200);
    expect((await patch(server.url)).status).toBe(200);
  });
});
