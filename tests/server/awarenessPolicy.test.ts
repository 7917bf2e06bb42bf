/**
 * SPEC A13: presence is kept by the server. In a blind project no selection, cursor or other field
 * of anybody's awareness reaches another client of a transcript or layer; every state carries the
 * identity of the connection that sent it; nobody changes or removes another client's state. Both
 * protocols: Hocuspocus providers at /collab and y-websocket providers at /yjs.
 */
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { documentNames } from '../../shared/collab/documentNames';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';
import { createTestDatabase, postgresAvailable, redisAvailable, redisUrl, uniqueRedisPrefix } from '../helpers/services';

type Awareness = awarenessProtocol.Awareness;
type State = Record<string, unknown>;

interface ProjectSetup {
  owner: TestUser;
  members: TestUser[];
  projectId: string;
}

interface YjsClient {
  provider: WebsocketProvider;
  doc: Y.Doc;
  awareness: Awareness;
  synced: Promise<void>;
}

let server: TestServer;
/** Blind project: coder, coder, viewer. */
let blind: ProjectSetup;
/** Open project: coder, viewer. */
let open: ProjectSetup;
const cleanups: (() => void)[] = [];

/** What a Tiptap collaboration caret publishes: ProseMirror positions as Yjs relative positions. */
const caret = { anchor: { type: { client: 1, clock: 2 }, tname: null, item: null, assoc: 0 }, head: { type: { client: 1, clock: 9 }, assoc: -1 } };

async function setUpProject(roles: ('coder' | 'viewer')[], blindMode: boolean): Promise<ProjectSetup> {
  const { owner, project, members } = await projectWithMembers(server, roles, { blind: blindMode });
  return { owner, members, projectId: project.id };
}

beforeAll(async () => {
  server = await startTestServer();
  blind = await setUpProject(['coder', 'coder', 'viewer'], true);
  open = await setUpProject(['coder', 'viewer'], false);
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server.dispose();
});

async function newTranscript(setup: ProjectSetup): Promise<string> {
  const response = await setup.owner.api.post(`/projects/${setup.projectId}/documents`, { title: 'Interview', text: sampleTranscript });
  expect(response.status).toBe(201);
  return response.body.id;
}

async function connectHocuspocus(name: string, user: TestUser): Promise<TestProvider> {
  const connection = connectProvider(server.wsUrl, name, user.token);
  cleanups.push(() => connection.destroy());
  await connection.synced;
  return connection;
}

async function connectYjs(name: string, user: TestUser): Promise<YjsClient> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/yjs`, name, doc, {
    WebSocketPolyfill: WebSocket as never,
    params: { token: user.token },
    // Providers of one room in one process would also talk over a BroadcastChannel, around the server.
    disableBc: true,
  });
  cleanups.push(() => provider.destroy());
  const synced = new Promise<void>((resolve) => {
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) resolve();
    });
  });
  await synced;
  return { provider, doc, awareness: provider.awareness, synced };
}

const awarenessOf = (connection: TestProvider): Awareness => {
  const awareness = connection.provider.awareness;
  if (!awareness) throw new Error('the provider has no awareness');
  return awareness;
};

const stateOf = (awareness: Awareness, clientId: number) => awareness.getStates().get(clientId) as State | undefined;
const serverStateOf = (name: string, clientId: number) =>
  server.hocuspocus.documents.get(name)?.awareness.getStates().get(clientId) as State | undefined;

/**
 * Makes a client's provider send an awareness entry of its choosing: written into its own
 * awareness, which the provider forwards to the server as it forwards every change it sees.
 */
function sendEntry(awareness: Awareness, clientId: number, clock: number, state: State | null): void {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  awarenessProtocol.applyAwarenessUpdate(awareness, encoding.toUint8Array(encoder), 'forged');
}

const clockOf = (awareness: Awareness, clientId: number) => awareness.meta.get(clientId)?.clock ?? 0;

/**
 * Counts the removals of a client's state a client hears. Its own client re-publishes a state it
 * hears removed within milliseconds, so only the count shows a removal that was relayed at all.
 */
function countRemovals(awareness: Awareness, clientId: number): () => number {
  let removals = 0;
  awareness.on('change', ({ removed }: { removed: number[] }) => {
    if (removed.includes(clientId)) removals += 1;
  });
  return () => removals;
}

describe('[A13] blind projects publish who is here, never what they select', () => {
  it('[A13][A3] the owner\'s caret and typed text reach no coder or viewer of the transcript, over either protocol, nor a late joiner', async () => {
    const [coder, , viewer] = blind.members;
    const name = documentNames.transcript(await newTranscript(blind));
    const owner = await connectHocuspocus(name, blind.owner);
    const coderView = await connectHocuspocus(name, coder);
    const viewerView = await connectYjs(name, viewer);

    awarenessOf(owner).setLocalState({ user: { id: blind.owner.id, name: 'Owner', color: '#2a6f97' }, cursor: caret, draft: 'GP: The paperwork' });
    const ownerId = owner.doc.clientID;
    // The colour travels in the same update as the caret: once it is seen, so would the caret be.
    const seenBy = async (awareness: Awareness) =>
      eventually(() => {
        const state = stateOf(awareness, ownerId);
        expect((state?.user as State | undefined)?.color).toBe('#2a6f97');
        return state;
      });
    for (const awareness of [awarenessOf(coderView), viewerView.awareness]) {
      expect(await seenBy(awareness)).toEqual({ user: { id: blind.owner.id, name: 'Owner', color: '#2a6f97' } });
    }

    const lateCoder = await connectHocuspocus(name, blind.members[1]);
    expect(await seenBy(awarenessOf(lateCoder))).toEqual({ user: { id: blind.owner.id, name: 'Owner', color: '#2a6f97' } });
    expect(serverStateOf(name, ownerId)).toEqual({ user: { id: blind.owner.id, name: 'Owner', color: '#2a6f97' } });
  });

  it('[A13] a coder\'s caret on a layer reaches neither the owner nor anybody else', async () => {
    const [coder] = blind.members;
    const name = documentNames.layer(await newTranscript(blind), coder.id);
    const coderLayer = await connectYjs(name, coder);
    const ownerView = await connectHocuspocus(name, blind.owner);
    coderLayer.awareness.setLocalState({ user: { name: 'coder 0', color: '#112233' }, cursor: caret });
    await eventually(() =>
      expect(stateOf(awarenessOf(ownerView), coderLayer.doc.clientID)).toEqual({ user: { id: coder.id, name: 'coder 0', color: '#112233' } }),
    );
  });

  it('[A13] in an open project the caret passes; switching blind mode on strips it at once and keeps it out afterwards', async () => {
    const setup = await setUpProject(['coder'], false);
    const [coder] = setup.members;
    const name = documentNames.transcript(await newTranscript(setup));
    const owner = await connectHocuspocus(name, setup.owner);
    const coderView = await connectHocuspocus(name, coder);
    const coderYjs = await connectYjs(name, coder);
    const ownerId = owner.doc.clientID;

    awarenessOf(owner).setLocalState({ user: { id: setup.owner.id, name: 'Owner', color: '#2a6f97' }, cursor: caret });
    for (const awareness of [awarenessOf(coderView), coderYjs.awareness]) {
      await eventually(() => expect(stateOf(awareness, ownerId)?.cursor).toEqual(caret));
    }

    expect((await setup.owner.api.patch(`/projects/${setup.projectId}`, { blind: true })).status).toBe(200);
    // The PATCH answers after the re-check, so the server's copy is already stripped.
    expect(serverStateOf(name, ownerId)).toEqual({ user: { id: setup.owner.id, name: 'Owner', color: '#2a6f97' } });
    for (const awareness of [awarenessOf(coderView), coderYjs.awareness]) {
      await eventually(() => expect(stateOf(awareness, ownerId)).toEqual({ user: { id: setup.owner.id, name: 'Owner', color: '#2a6f97' } }));
    }

    // The owner's client moves its caret again, under a new colour that marks the update.
    awarenessOf(owner).setLocalState({ user: { id: setup.owner.id, name: 'Owner', color: '#ffaa00' }, cursor: { ...caret, head: caret.anchor } });
    for (const awareness of [awarenessOf(coderView), coderYjs.awareness]) {
      await eventually(() => expect(stateOf(awareness, ownerId)).toEqual({ user: { id: setup.owner.id, name: 'Owner', color: '#ffaa00' } }));
    }
    const lateCoder = await connectHocuspocus(name, coder);
    await eventually(() => expect(stateOf(awarenessOf(lateCoder), ownerId)).toEqual({ user: { id: setup.owner.id, name: 'Owner', color: '#ffaa00' } }));
  });
});

describe('[A13] presence names the authenticated user', () => {
  it('[A13] a coder publishing as the owner is seen as the coder; a colour that is not a plain hex colour is dropped', async () => {
    const [coder, viewer] = open.members;
    const name = documentNames.transcript(await newTranscript(open));
    const ownerView = await connectHocuspocus(name, open.owner);
    const impostor = await connectHocuspocus(name, coder);
    awarenessOf(impostor).setLocalState({ user: { id: open.owner.id, name: 'Somebody else', color: 'red; background: url(https://example.org/t)' }, cursor: caret });
    await eventually(() =>
      expect(stateOf(awarenessOf(ownerView), impostor.doc.clientID)).toEqual({ user: { id: coder.id, name: 'coder 0' }, cursor: caret }),
    );

    // A viewer over /yjs, with a state that is not even an object.
    const viewerYjs = await connectYjs(name, viewer);
    viewerYjs.awareness.setLocalState(['user', open.owner.id] as unknown as State);
    await eventually(() => expect(stateOf(awarenessOf(ownerView), viewerYjs.doc.clientID)).toEqual({ user: { id: viewer.id, name: 'viewer 1' } }));
  });
});

describe('[A13] nobody changes or removes another client\'s presence', () => {
  /** The owner's state as a third client and the server hold it, after the forger's own marker arrived. */
  async function victimAfterMarker(forger: Awareness, forgerId: number, observer: Awareness, victimId: number, name: string, marker: string) {
    forger.setLocalStateField('marker', marker);
    await eventually(() => expect(stateOf(observer, forgerId)?.marker).toBe(marker));
    return { seen: stateOf(observer, victimId), onServer: serverStateOf(name, victimId) };
  }

  for (const protocol of ['collab', 'yjs'] as const) {
    it(`[A13] a /${protocol} client's update (higher clock) and removal of the owner's state change nothing; the owner's own updates still pass`, async () => {
      const [coder, viewer] = open.members;
      const name = documentNames.transcript(await newTranscript(open));
      const victim = await connectHocuspocus(name, open.owner);
      const observer = await connectHocuspocus(name, viewer);
      const forger =
        protocol === 'collab'
          ? await (async () => {
              const connection = await connectHocuspocus(name, coder);
              return { awareness: awarenessOf(connection), clientId: connection.doc.clientID };
            })()
          : await (async () => {
              const client = await connectYjs(name, coder);
              return { awareness: client.awareness, clientId: client.doc.clientID };
            })();
      const victimId = victim.doc.clientID;
      const genuine = { user: { id: open.owner.id, name: 'Owner', color: '#2a6f97' }, cursor: caret };
      awarenessOf(victim).setLocalState(genuine);
      await eventually(() => expect(stateOf(forger.awareness, victimId)).toEqual(genuine));
      await eventually(() => expect(stateOf(awarenessOf(observer), victimId)).toEqual(genuine));
      const clockBefore = clockOf(awarenessOf(victim), victimId);
      const removalsSeen = countRemovals(awarenessOf(observer), victimId);

      const forged = { user: { id: open.owner.id, name: 'Owner', color: '#2a6f97' }, cursor: { ...caret, head: caret.anchor } };
      sendEntry(forger.awareness, victimId, clockOf(forger.awareness, victimId) + 10, forged);
      expect(await victimAfterMarker(forger.awareness, forger.clientId, awarenessOf(observer), victimId, name, 'after the update')).toEqual({
        seen: genuine,
        onServer: genuine,
      });

      // The same state at a far higher clock changes nothing visible, but would freeze the owner's presence.
      sendEntry(forger.awareness, victimId, clockOf(forger.awareness, victimId) + 1_000, genuine);
      sendEntry(forger.awareness, victimId, clockOf(forger.awareness, victimId) + 1, null);
      awarenessProtocol.removeAwarenessStates(forger.awareness, [victimId], 'forged');
      expect(await victimAfterMarker(forger.awareness, forger.clientId, awarenessOf(observer), victimId, name, 'after the removals')).toEqual({
        seen: genuine,
        onServer: genuine,
      });
      expect(removalsSeen()).toBe(0);
      // Had the forged clock been relayed, the owner's client would have adopted it on hearing it.
      expect(clockOf(awarenessOf(victim), victimId)).toBeLessThan(clockBefore + 10);
      expect(clockOf(awarenessOf(observer), victimId)).toBe(clockOf(awarenessOf(victim), victimId));

      const moved = { ...genuine, cursor: { anchor: caret.head, head: caret.head } };
      awarenessOf(victim).setLocalState(moved);
      await eventually(() => expect(stateOf(awarenessOf(observer), victimId)).toEqual(moved));
    });
  }

  it('[A13] a client id whose owner hid their presence cannot be claimed by another user; the owner shows again', async () => {
    const [coder, viewer] = open.members;
    const name = documentNames.transcript(await newTranscript(open));
    const victim = await connectHocuspocus(name, open.owner);
    const observer = await connectHocuspocus(name, viewer);
    const forger = await connectHocuspocus(name, coder);
    const victimId = victim.doc.clientID;
    awarenessOf(victim).setLocalState({ user: { id: open.owner.id, name: 'Owner' } });
    await eventually(() => expect(stateOf(awarenessOf(forger), victimId)).toBeDefined());
    // What the provider does when its page is hidden.
    awarenessProtocol.removeAwarenessStates(awarenessOf(victim), [victimId], 'page hide');
    await eventually(() => expect(stateOf(awarenessOf(observer), victimId)).toBeUndefined());

    sendEntry(awarenessOf(forger), victimId, clockOf(awarenessOf(forger), victimId) + 10, { marker: 'claimed' });
    expect(await victimAfterMarker(awarenessOf(forger), forger.doc.clientID, awarenessOf(observer), victimId, name, 'after the claim')).toEqual({
      seen: undefined,
      onServer: undefined,
    });
    awarenessOf(victim).setLocalState({ user: { id: open.owner.id, name: 'Owner' }, cursor: caret });
    await eventually(() => expect(stateOf(awarenessOf(observer), victimId)).toEqual({ user: { id: open.owner.id, name: 'Owner' }, cursor: caret }));
  });

  it('[A13] a /yjs socket that forged the owner\'s state and then drops does not take the owner\'s presence with it', async () => {
    const [coder, viewer] = open.members;
    const name = documentNames.transcript(await newTranscript(open));
    const victim = await connectHocuspocus(name, open.owner);
    const observer = await connectHocuspocus(name, viewer);
    const forger = await connectYjs(name, coder);
    const victimId = victim.doc.clientID;
    awarenessOf(victim).setLocalState({ user: { id: open.owner.id, name: 'Owner' } });
    await eventually(() => expect(stateOf(forger.awareness, victimId)).toBeDefined());
    await eventually(() => expect(stateOf(awarenessOf(observer), victimId)).toBeDefined());
    const removalsSeen = countRemovals(awarenessOf(observer), victimId);
    sendEntry(forger.awareness, victimId, clockOf(forger.awareness, victimId) + 10, { user: { id: open.owner.id, name: 'Owner' }, cursor: caret });
    forger.awareness.setLocalStateField('marker', 'before the drop');
    await eventually(() => expect(stateOf(awarenessOf(observer), forger.doc.clientID)?.marker).toBe('before the drop'));

    forger.provider.shouldConnect = false;
    (forger.provider.ws as unknown as WebSocket).terminate();
    // The server removes the dropped socket's own state at once; the owner's stays.
    await eventually(() => expect(stateOf(awarenessOf(observer), forger.doc.clientID)).toBeUndefined(), 15_000);
    expect(stateOf(awarenessOf(observer), victimId)).toEqual({ user: { id: open.owner.id, name: 'Owner' } });
    expect(removalsSeen()).toBe(0);
    expect(serverStateOf(name, victimId)).toEqual({ user: { id: open.owner.id, name: 'Owner' } });
  });

  it('[A13] leaving still removes one\'s own presence, over either protocol', async () => {
    const [coder, viewer] = open.members;
    const name = documentNames.transcript(await newTranscript(open));
    const observer = await connectHocuspocus(name, open.owner);
    const leaving = await connectHocuspocus(name, coder);
    const leavingYjs = await connectYjs(name, viewer);
    awarenessOf(leaving).setLocalStateField('user', { name: 'coder 0' });
    leavingYjs.awareness.setLocalStateField('user', { name: 'viewer 1' });
    await eventually(() => {
      expect(stateOf(awarenessOf(observer), leaving.doc.clientID)).toBeDefined();
      expect(stateOf(awarenessOf(observer), leavingYjs.doc.clientID)).toBeDefined();
    });
    leaving.destroy();
    leavingYjs.provider.destroy();
    await eventually(() => {
      expect(stateOf(awarenessOf(observer), leaving.doc.clientID)).toBeUndefined();
      expect(stateOf(awarenessOf(observer), leavingYjs.doc.clientID)).toBeUndefined();
      expect(serverStateOf(name, leaving.doc.clientID)).toBeUndefined();
    });
  });
});

describe.skipIf(!(postgresAvailable && redisAvailable))('[A13][S1] presence relayed between instances over Redis', () => {
  it('[A13][S1] what one instance relays is already bound and stripped: the coder on the other instance sees the owner without a caret, and itself as itself', async () => {
    const database = await createTestDatabase();
    const shared = { databaseUrl: database.url, redisUrl, redisPrefix: uniqueRedisPrefix() };
    const one = await startTestServer(shared);
    const two = await startTestServer(shared);
    try {
      const { owner, project, members } = await projectWithMembers(one, ['coder'], { blind: true });
      const [coder] = members;
      const documentId = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'Interview', text: sampleTranscript })).body.id;
      const name = documentNames.transcript(documentId);
      const connectTo = async (on: TestServer, user: TestUser) => {
        const connection = connectProvider(on.wsUrl, name, user.token);
        cleanups.push(() => connection.destroy());
        await connection.synced;
        return connection;
      };
      const ownerOnOne = await connectTo(one, owner);
      const coderOnTwo = await connectTo(two, coder);
      awarenessOf(ownerOnOne).setLocalState({ user: { id: owner.id, name: 'Owner', color: '#2a6f97' }, cursor: caret });
      awarenessOf(coderOnTwo).setLocalState({ user: { id: owner.id, name: 'Somebody else', color: '#112233' }, cursor: caret });
      await eventually(() =>
        expect(stateOf(awarenessOf(coderOnTwo), ownerOnOne.doc.clientID)).toEqual({ user: { id: owner.id, name: 'Owner', color: '#2a6f97' } }),
      );
      await eventually(() =>
        expect(stateOf(awarenessOf(ownerOnOne), coderOnTwo.doc.clientID)).toEqual({ user: { id: coder.id, name: 'coder 0', color: '#112233' } }),
      );
    } finally {
      await one.dispose();
      await two.dispose();
      await database.drop();
    }
  }, 60_000);
});
