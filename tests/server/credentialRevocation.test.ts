/**
 * SPEC A9: a credential that ends — sign-out, a revoked API token, a password change, an erased
 * account — closes its open connections on both protocols at once; other credentials keep theirs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { documentNames } from '../../shared/collab/documentNames';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { Api, projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';

let server: TestServer;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server.dispose();
});

async function studyWithTranscript() {
  const { owner, project, members } = await projectWithMembers(server, ['coder']);
  const document = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I1', text: sampleTranscript })).body;
  return { owner, coder: members[0], transcript: documentNames.transcript(document.id) };
}

async function signIn(user: TestUser): Promise<string> {
  const response = await new Api(server.url).post('/auth/login', { email: user.email, password: 'correct horse battery' });
  expect(response.status).toBe(200);
  return response.body.token;
}

async function collabConnection(name: string, token: string): Promise<TestProvider> {
  const connection = connectProvider(server.wsUrl, name, token);
  cleanups.push(() => connection.destroy());
  await connection.synced;
  return connection;
}

function yjsConnection(name: string, token: string): { synced: Promise<void>; closedWith: Promise<number> } {
  const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/yjs`, name, new Y.Doc(), {
    WebSocketPolyfill: WebSocket as never,
    params: { token },
    disableBc: true,
  });
  cleanups.push(() => provider.destroy());
  return {
    synced: new Promise((resolve) => provider.on('sync', (isSynced: boolean) => isSynced && resolve())),
    closedWith: new Promise((resolve) => provider.on('connection-close', (event: { code: number } | null) => event && resolve(event.code))),
  };
}

/** Whether a connection of this user to the document is open on the server, by protocol. */
function connectedUsers(name: string): string[] {
  return (server.hocuspocus.documents.get(name)?.getConnections() ?? []).map((connection) => connection.context?.user?.id as string);
}

describe('ending a credential closes its live connections', () => {
  it('[A9] signing out closes the session\'s /collab and /yjs connections, not those of another session', async () => {
    const { coder, transcript } = await studyWithTranscript();
    const session = await signIn(coder);
    const otherSession = await signIn(coder);
    await collabConnection(transcript, session);
    const kept = await collabConnection(transcript, otherSession);
    const bridge = yjsConnection(transcript, session);
    await bridge.synced;
    await eventually(() => expect(connectedUsers(transcript)).toEqual([coder.id, coder.id]));

    expect((await coder.api.as(session).post('/auth/logout')).status).toBe(204);
    expect(await bridge.closedWith).toBe(4401);
    await eventually(() => expect(connectedUsers(transcript)).toEqual([coder.id]));
    expect(kept.provider.isSynced).toBe(true);
  });

  it('[A9] revoking an API token closes the connections it opened', async () => {
    const { coder, transcript } = await studyWithTranscript();
    const apiToken = (await coder.api.post('/auth/tokens')).body.token as string;
    await collabConnection(transcript, apiToken);
    const bridge = yjsConnection(transcript, apiToken);
    await bridge.synced;
    const [listed] = (await coder.api.get('/auth/tokens')).body;
    expect((await coder.api.delete(`/auth/tokens/${listed.id}`)).status).toBe(204);
    expect(await bridge.closedWith).toBe(4401);
    await eventually(() => expect(connectedUsers(transcript)).toEqual([]));
  });

  it('[A9] a password change closes every other session\'s connections and keeps the one that changed it', async () => {
    const { coder, transcript } = await studyWithTranscript();
    const laptop = await signIn(coder);
    const phone = await signIn(coder);
    await collabConnection(transcript, laptop);
    await collabConnection(transcript, phone);
    await eventually(() => expect(connectedUsers(transcript)).toHaveLength(2));
    const changed = await coder.api.as(laptop).post('/auth/password', { currentPassword: 'correct horse battery', newPassword: 'lantern orchard velvet' });
    expect(changed.status).toBe(204);
    await eventually(() => expect(connectedUsers(transcript)).toEqual([coder.id]));
    const survivor = (server.hocuspocus.documents.get(transcript)?.getConnections() ?? [])[0];
    expect((survivor.context as { credentialHash: string }).credentialHash).toBeTruthy();
    expect((await coder.api.as(laptop).get('/me')).status).toBe(200);
    expect((await coder.api.as(phone).get('/me')).status).toBe(401);
  });

  it('[A9] erasing an account closes all of its connections', async () => {
    const { coder, owner, transcript } = await studyWithTranscript();
    await collabConnection(transcript, coder.token);
    await collabConnection(transcript, owner.token);
    await eventually(() => expect(connectedUsers(transcript).sort()).toEqual([coder.id, owner.id].sort()));
    expect((await coder.api.request('DELETE', '/me', { password: 'correct horse battery' })).status).toBe(204);
    await eventually(() => expect(connectedUsers(transcript)).toEqual([owner.id]));
  });
});

describe('what a non-member learns', () => {
  it('[A2] a non-member opening a real document hears exactly what an unknown document gets', async () => {
    const { transcript } = await studyWithTranscript();
    const outsider = (await projectWithMembers(server, [])).owner;
    const refusal = async (name: string) => {
      const connection = connectProvider(server.wsUrl, name, outsider.token);
      cleanups.push(() => connection.destroy());
      return connection.authenticationFailure;
    };
    const real = await refusal(transcript);
    const unknown = await refusal(documentNames.transcript('00000000-0000-4000-8000-000000000000'));
    expect(real).toBe('forbidden: no such document');
    expect(unknown).toBe(real);
  });
});
