/**
 * SPEC K1–K4 over the websocket: a coding that REST would refuse, written by a real provider (the
 * Hocuspocus provider at /collab, y-websocket's WebsocketProvider at /yjs), is refused with 4406
 * "Invalid Coding" before it is applied, nothing of it is stored (REST after a reconnect and after
 * a restart says so), the refusal is counted, and a valid coding from the same provider afterwards
 * works. The pure rules of shared/collab/codingRules.ts are checked on their own first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { defaultLimits } from '../../server/config';
import { closeCodes, closeEventForReason } from '../../shared/collab/closeCodes';
import { anchorProblem, authorProblem, codeProblem, fieldProblem } from '../../shared/collab/codingRules';
import { documentNames } from '../../shared/collab/documentNames';
import { putCoding, removeCoding, type StoredCoding } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { codingAt } from '../helpers/codings';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { Api, projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const memoMaxChars = 40;
const limits = { ...defaultLimits, memoMaxChars };

let server: TestServer;
let owner: TestUser;
let coder: TestUser;
let adjudicator: TestUser;
let projectId: string;
let documentId: string;
let codeId: string;
/** A replica of the transcript, for anchors on its words. */
let transcript: TestProvider;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer({ limits });
  const setup = await projectWithMembers(server, ['coder', 'adjudicator']);
  ({ owner, project: { id: projectId } } = setup);
  [coder, adjudicator] = setup.members;
  codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler' })).body.id;
  documentId = (await owner.api.post(`/projects/${projectId}/documents`, { title: 'Interview', text: sampleTranscript })).body.id;
  transcript = connectProvider(server.wsUrl, documentNames.transcript(documentId), coder.token);
  cleanups.push(() => transcript.destroy());
  await transcript.synced;
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await server.dispose();
});

/** A valid coding of `quote` by `by`, anchored on this client's replica of the transcript. */
function codingOf(quote: string, by: string): StoredCoding {
  const index = new TranscriptIndex(transcript.doc);
  const start = index.text.indexOf(quote);
  expect(start).toBeGreaterThanOrEqual(0);
  return codingAt(index, start, start + quote.length, codeId, by);
}

/** The ways a coding can break a rule, each as the coding `by` would send. */
const invalidCodings: { rule: string; what: string; coding: (by: string) => StoredCoding }[] = [
  { rule: 'K2', what: 'an unknown code id', coding: (by) => ({ ...codingOf('Protected time', by), codeId: 'no-such-code' }) },
  { rule: 'K3', what: 'a forged createdBy', coding: () => codingOf('Protected time', owner.id) },
  { rule: 'K4', what: 'a memo over memoMaxChars', coding: (by) => ({ ...codingOf('Protected time', by), memo: 'm'.repeat(memoMaxChars + 1) }) },
  { rule: 'K1', what: 'anchors that do not decode', coding: (by) => ({ ...codingOf('Protected time', by), start: Uint8Array.of(7, 1) }) },
  { rule: 'K4', what: 'an unknown field', coding: (by) => ({ ...codingOf('Protected time', by), colour: 'red' }) as StoredCoding },
  { rule: 'K4', what: 'a wrong type', coding: (by) => ({ ...codingOf('Protected time', by), lastStart: '12' as unknown as number }) },
];

/** The user's view of a layer over REST, on the server running now (a restart changes its port). */
const restCodings = async (user: TestUser, layer: string) => {
  const response = await new Api(server.url, user.token).get(`/projects/${projectId}/documents/${documentId}/codings?layer=${layer}`);
  expect(response.status).toBe(200);
  return (response.body as { id: string; text: string; createdBy: string }[]).map(({ id, text, createdBy }) => ({ id, text, createdBy }));
};

/** Reasons of the per-document closes a Hocuspocus provider received, as close events. */
function documentCloses(connection: TestProvider) {
  const closes: unknown[] = [];
  connection.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => {
    if (event.code === 1000) closes.push(closeEventForReason(event.reason));
  });
  return closes;
}

/** What a network drop does: the provider's socket closes and opens again, and the provider re-syncs. */
async function reconnect(connection: TestProvider): Promise<void> {
  const socket = connection.provider.configuration.websocketProvider;
  socket.disconnect();
  await eventually(() => expect(socket.status).toBe('disconnected'));
  await socket.connect();
  await eventually(() => expect(connection.provider.synced).toBe(true));
}

describe('[K1–K4] the coding rules', () => {
  it('[K1] an anchor must be a relative position that decodes completely', () => {
    const valid = codingOf('The paperwork', coder.id).start;
    expect(anchorProblem('start', valid)).toBeNull();
    expect(anchorProblem('start', 'AAE=')?.rule).toBe('K1');
    expect(anchorProblem('end', new Uint8Array())?.field).toBe('end');
    expect(anchorProblem('start', Uint8Array.of(9, 1, 1))?.message).toMatch(/unknown form 9/);
    expect(anchorProblem('start', Uint8Array.of(...valid, 5))?.message).toMatch(/bytes after/);
  });

  it('[K2][K3] the code must be in the codebook, the author must be the writer', () => {
    expect(codeProblem('a', new Set(['a']))).toBeNull();
    expect(codeProblem('b', new Set(['a']))).toMatchObject({ rule: 'K2', field: 'codeId' });
    expect(codeProblem(7, new Set(['a']))?.message).toMatch(/must be a string/);
    expect(authorProblem('u1', 'u1')).toBeNull();
    expect(authorProblem('u2', 'u1')).toMatchObject({ rule: 'K3', field: 'createdBy' });
  });

  it('[K4] only the known fields, each with its type and bounds', () => {
    const bounds = { memoMaxChars: 3, quoteMaxChars: 5 };
    expect(fieldProblem('memo', 'abc', bounds)).toBeNull();
    expect(fieldProblem('memo', 'abcd', bounds)?.message).toMatch(/at most 3/);
    expect(fieldProblem('quote', 'abcdef', bounds)?.rule).toBe('K4');
    expect(fieldProblem('lastStart', 0, bounds)).toBeNull();
    expect(fieldProblem('lastEnd', -1, bounds)?.field).toBe('lastEnd');
    expect(fieldProblem('lastEnd', 1.5, bounds)?.rule).toBe('K4');
    expect(fieldProblem('orphaned', 'no', bounds)?.rule).toBe('K4');
    expect(fieldProblem('createdAt', new Date().toISOString(), bounds)).toBeNull();
    expect(fieldProblem('createdAt', 'yesterday', bounds)?.rule).toBe('K4');
    expect(fieldProblem('colour', 'red', bounds)?.message).toMatch(/not a field of a coding/);
  });
});

describe('[K1–K4] codings written over /collab', () => {
  for (const { rule, what, coding } of invalidCodings) {
    it(`[${rule}] a coding with ${what} is refused with 4406, not stored, counted; a valid one afterwards works`, async () => {
      const layer = documentNames.layer(documentId, coder.id);
      const writer = connectProvider(server.wsUrl, layer, coder.token);
      cleanups.push(() => writer.destroy());
      await writer.synced;
      const closes = documentCloses(writer);
      const before = server.refusals.count(closeCodes.invalidCoding);
      const bad = coding(coder.id);
      putCoding(writer.doc, bad);
      await eventually(() => expect(closes).toEqual([closeCodes.invalidCoding]));
      expect(server.refusals.count(closeCodes.invalidCoding)).toBe(before + 1);
      expect((await restCodings(coder, 'me')).map((stored) => stored.id)).not.toContain(bad.id);

      // The client drops what was refused and reconnects the same provider; its next coding is kept.
      removeCoding(writer.doc, bad.id);
      await reconnect(writer);
      const good = codingOf('The paperwork', coder.id);
      putCoding(writer.doc, good);
      await eventually(async () => expect((await restCodings(coder, 'me')).map((stored) => stored.id)).toContain(good.id));
      expect((await restCodings(coder, 'me')).map((stored) => stored.id)).not.toContain(bad.id);
      expect(closes).toEqual([closeCodes.invalidCoding]);
      removeCoding(writer.doc, good.id);
      await eventually(async () => expect((await restCodings(coder, 'me')).map((stored) => stored.id)).not.toContain(good.id));
      writer.destroy();
    });
  }

  it('[K3] in the consensus layer createdBy is the writer, and an existing coding\'s author cannot be changed', async () => {
    const consensus = documentNames.consensus(documentId);
    const writer = connectProvider(server.wsUrl, consensus, adjudicator.token);
    cleanups.push(() => writer.destroy());
    await writer.synced;
    const closes = documentCloses(writer);
    const before = server.refusals.count(closeCodes.invalidCoding);

    const own = codingOf('Protected time', adjudicator.id);
    putCoding(writer.doc, own);
    await eventually(async () => expect(await restCodings(adjudicator, 'consensus')).toContainEqual({ id: own.id, text: 'Protected time', createdBy: adjudicator.id }));

    // Another adjudicator's account is not needed to forge: naming the coder as author is enough.
    const forged = codingOf('The paperwork', coder.id);
    putCoding(writer.doc, forged);
    await eventually(() => expect(closes).toEqual([closeCodes.invalidCoding]));
    removeCoding(writer.doc, forged.id);
    await reconnect(writer);

    // Re-attributing the adjudicator's own existing coding to the coder is refused too.
    (writer.doc.getMap('codings').get(own.id) as Y.Map<unknown>).set('createdBy', coder.id);
    await eventually(() => expect(closes).toEqual([closeCodes.invalidCoding, closeCodes.invalidCoding]));
    expect(server.refusals.count(closeCodes.invalidCoding)).toBe(before + 2);
    expect(await restCodings(adjudicator, 'consensus')).toEqual([{ id: own.id, text: 'Protected time', createdBy: adjudicator.id }]);
    writer.destroy();
  });

  it('[K3] undoing the removal of a colleague\'s consensus coding restores it with its author', async () => {
    const consensus = documentNames.consensus(documentId);
    const writer = connectProvider(server.wsUrl, consensus, adjudicator.token);
    cleanups.push(() => writer.destroy());
    await writer.synced;
    const closes = documentCloses(writer);
    const byOwner = codingOf('What helps', owner.id);
    const ownersWriter = connectProvider(server.wsUrl, consensus, owner.token);
    cleanups.push(() => ownersWriter.destroy());
    await ownersWriter.synced;
    putCoding(ownersWriter.doc, byOwner);
    await eventually(() => expect(writer.doc.getMap('codings').has(byOwner.id)).toBe(true));
    const undo = new Y.UndoManager(writer.doc.getMap('codings'), { trackedOrigins: new Set(['adjudicator']) });
    writer.doc.transact(() => removeCoding(writer.doc, byOwner.id), 'adjudicator');
    await eventually(async () => expect((await restCodings(owner, 'consensus')).map((stored) => stored.id)).not.toContain(byOwner.id));
    undo.undo();
    await eventually(async () =>
      expect(await restCodings(owner, 'consensus')).toContainEqual({ id: byOwner.id, text: 'What helps', createdBy: owner.id }),
    );
    expect(closes).toEqual([]);
    undo.destroy();
    writer.destroy();
    ownersWriter.destroy();
  });

  it('[K2] a coding with a code deleted from the codebook meanwhile (offline work) is kept, not refused', async () => {
    const layer = documentNames.layer(documentId, coder.id);
    const writer = connectProvider(server.wsUrl, layer, coder.token);
    cleanups.push(() => writer.destroy());
    await writer.synced;
    const closes = documentCloses(writer);
    const shortLived = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Short-lived' })).body.id;
    expect((await owner.api.delete(`/projects/${projectId}/codes/${shortLived}`)).status).toBe(204);
    const offline = { ...codingOf('Two sessions', coder.id), codeId: shortLived };
    putCoding(writer.doc, offline);
    await eventually(async () => expect((await restCodings(coder, 'me')).map((stored) => stored.id)).toContain(offline.id));
    expect(closes).toEqual([]);
    writer.destroy();
  });

  it('[K4] a burst of frames, each continuing the one before and checked before it is applied, is accepted', async () => {
    const layer = documentNames.layer(documentId, coder.id);
    const writer = connectProvider(server.wsUrl, layer, coder.token);
    cleanups.push(() => writer.destroy());
    await writer.synced;
    const closes = documentCloses(writer);
    const coding = codingOf('Two sessions', coder.id);
    // One transaction each: the provider sends one frame per edit, and they arrive together.
    putCoding(writer.doc, coding);
    const entry = writer.doc.getMap('codings').get(coding.id) as Y.Map<unknown>;
    for (let edit = 1; edit <= 30; edit += 1) entry.set('memo', `draft ${edit}`);
    const memoOverRest = async () =>
      ((await new Api(server.url, coder.token).get(`/projects/${projectId}/documents/${documentId}/codings?layer=me`)).body as { id: string; memo: string }[]).find(
        (stored) => stored.id === coding.id,
      )?.memo;
    await eventually(async () => expect(await memoOverRest()).toBe('draft 30'));
    expect(closes).toEqual([]);
    removeCoding(writer.doc, coding.id);
    await eventually(async () => expect(await memoOverRest()).toBeUndefined());
    writer.destroy();
  });

  it('[K2] a code created a moment ago is accepted at once', async () => {
    const layer = documentNames.layer(documentId, coder.id);
    const writer = connectProvider(server.wsUrl, layer, coder.token);
    cleanups.push(() => writer.destroy());
    await writer.synced;
    const closes = documentCloses(writer);
    // Fill the kept code ids first, then create a code they do not know yet.
    putCoding(writer.doc, codingOf('mostly', coder.id));
    await eventually(async () => expect((await restCodings(coder, 'me')).map((stored) => stored.text)).toContain('mostly'));
    const fresh = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Fresh' })).body.id;
    const coding = { ...codingOf('Every decision', coder.id), codeId: fresh };
    putCoding(writer.doc, coding);
    await eventually(async () => expect((await restCodings(coder, 'me')).map((stored) => stored.id)).toContain(coding.id));
    expect(closes).toEqual([]);
    writer.destroy();
  });
});

describe('[K1–K4] codings written over /yjs', () => {
  function connectYjs(name: string, token: string) {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${server.url.replace(/^http/, 'ws')}/yjs`, name, doc, {
      WebSocketPolyfill: WebSocket as never,
      params: { token },
      disableBc: true,
    });
    cleanups.push(() => provider.destroy());
    const closed: { code: number; reason: string }[] = [];
    provider.on('connection-close', (event) => {
      if (event) closed.push({ code: event.code, reason: event.reason });
    });
    return { provider, doc, closed };
  }

  for (const { rule, what, coding } of invalidCodings) {
    it(`[${rule}] a coding with ${what} closes the /yjs socket with 4406, is not stored, is counted; a valid one afterwards works`, async () => {
      const layer = documentNames.layer(documentId, coder.id);
      const client = connectYjs(layer, coder.token);
      await eventually(() => expect(client.provider.synced).toBe(true));
      const before = server.refusals.count(closeCodes.invalidCoding);
      const bad = coding(coder.id);
      putCoding(client.doc, bad);
      await eventually(() => expect(client.closed).toEqual([closeCodes.invalidCoding]));
      expect(server.refusals.count(closeCodes.invalidCoding)).toBe(before + 1);
      expect((await restCodings(coder, 'me')).map((stored) => stored.id)).not.toContain(bad.id);

      // y-websocket does not reconnect after a 44xx close; the client drops the coding and reconnects.
      removeCoding(client.doc, bad.id);
      client.provider.connect();
      await eventually(() => expect(client.provider.synced).toBe(true));
      const good = codingOf('The paperwork', coder.id);
      putCoding(client.doc, good);
      await eventually(async () => expect((await restCodings(coder, 'me')).map((stored) => stored.id)).toContain(good.id));
      expect(client.closed).toEqual([closeCodes.invalidCoding]);
      removeCoding(client.doc, good.id);
      await eventually(async () => expect((await restCodings(coder, 'me')).map((stored) => stored.id)).not.toContain(good.id));
      client.provider.destroy();
    });
  }

  it('[K1–K4][D3] after a restart the store holds none of the refused codings', async () => {
    const kept = await restCodings(coder, 'me');
    await server.stop();
    server = await startTestServer({ limits }, server.dataDir);
    const afterRestart = await restCodings(coder, 'me');
    expect(afterRestart).toEqual(kept);
    expect(afterRestart.every((stored) => stored.createdBy === coder.id)).toBe(true);
    expect(afterRestart.map((stored) => stored.text).sort()).toEqual(['mostly', 'Two sessions', 'Every decision'].sort());
  });
});
