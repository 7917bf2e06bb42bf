/**
 * Reconciliation on a real server (SPEC Q1–Q5): the navigator's labels and order on a hand-made
 * transcript, each decision action's consensus codings and trail record, live claims between two
 * adjudicators, auto-merge preview/apply/undo, who may see any of it, and the websocket guard on
 * the server-only maps of the consensus doc.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { defaultConfig } from '../../../server/config';
import { closeCodes, closeEventForReason } from '../../../shared/collab/closeCodes';
import { documentNames } from '../../../shared/collab/documentNames';
import { getClaim, observeClaims, putClaim, readClaims, readDecisions } from '../../../shared/collab/schema';
import { projectSchema, schemaErrors, schemaValidationAvailable } from '../../exchange/refi/fixtures';
import { eventually } from '../../helpers/poll';
import { connectProvider, type TestProvider } from '../../helpers/providers';
import { projectWithMembers, registerUser, startTestServer, type TestServer, type TestUser } from '../../helpers/server';

const transcript = `Interviewer: What helps you lead in the group?
GP: Protected time, mostly. Two sessions a week are funded.
Interviewer: And what gets in the way?
GP: The paperwork. Every decision needs three sign-offs.`;

interface Coding {
  id: string;
  codeId: string;
  start: number;
  end: number;
  text: string;
  createdBy: string;
}

let server: TestServer;
let owner: TestUser;
let adjudicator: TestUser;
let secondAdjudicator: TestUser;
let coderA: TestUser;
let coderB: TestUser;
let coderC: TestUser;
let projectId: string;
const codes: Record<'enabler' | 'barrier' | 'time', string> = { enabler: '', barrier: '', time: '' };
const providers: TestProvider[] = [];

async function newDocument(title: string): Promise<{ id: string; text: string }> {
  const id = (await owner.api.post(`/projects/${projectId}/documents`, { title, text: transcript })).body.id;
  return { id, text: (await owner.api.get(`/projects/${projectId}/documents/${id}`)).body.text };
}

async function code(document: { id: string; text: string }, coder: TestUser, quote: string, codeId: string): Promise<Coding> {
  const start = document.text.indexOf(quote);
  expect(start).toBeGreaterThanOrEqual(0);
  const response = await coder.api.post(`/projects/${projectId}/documents/${document.id}/codings`, { codeId, start, end: start + quote.length });
  expect(response.status).toBe(201);
  return response.body;
}

const base = (documentId: string) => `/projects/${projectId}/documents/${documentId}`;
const scope = (...coders: TestUser[]) => `?coders=${coders.map((coder) => coder.id).join(',')}`;
const consensus = async (documentId: string): Promise<Coding[]> => (await adjudicator.api.get(`${base(documentId)}/codings?layer=consensus`)).body;
const summary = (codings: Coding[]) => codings.map((coding) => `${coding.codeId}:${coding.text}`).sort();

beforeAll(async () => {
  server = await startTestServer();
  const setup = await projectWithMembers(server, ['adjudicator', 'adjudicator', 'coder', 'coder', 'coder'], { blind: true });
  owner = setup.owner;
  [adjudicator, secondAdjudicator, coderA, coderB, coderC] = setup.members;
  projectId = setup.project.id;
  codes.enabler = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler' })).body.id;
  codes.barrier = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Barrier' })).body.id;
  codes.time = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Time' })).body.id;
});

afterAll(async () => {
  for (const provider of providers) provider.destroy();
  await server.dispose();
});

/**
 * Coders A and B on the hand-made transcript. Per code, characters all coded / any coded:
 * Barrier 0/28 (only A), Time 14/33, Enabler 45/76; so Barrier's passages come first, then Time's,
 * then Enabler's.
 */
async function codedDocument(title: string) {
  const document = await newDocument(title);
  const a = {
    agreedTime: await code(document, coderA, 'Protected time', codes.enabler),
    boundary: await code(document, coderA, 'Two sessions a week are funded', codes.enabler),
    differentCode: await code(document, coderA, 'The paperwork', codes.barrier),
    missing: await code(document, coderA, 'three sign-offs', codes.barrier),
    overlapEnabler: await code(document, coderA, 'What helps you lead', codes.enabler),
    overlapTime: await code(document, coderA, 'What helps you lead', codes.time),
    agreedDecision: await code(document, coderA, 'Every decision', codes.time),
  };
  const b = {
    agreedTime: await code(document, coderB, 'Protected time', codes.enabler),
    boundary: await code(document, coderB, 'Two sessions', codes.enabler),
    differentCode: await code(document, coderB, 'The paperwork', codes.enabler),
    overlapEnabler: await code(document, coderB, 'What helps you lead', codes.enabler),
    agreedDecision: await code(document, coderB, 'Every decision', codes.time),
  };
  return { document, a, b };
}

describe('[Q1] the disagreement navigator', () => {
  it('lists the passages where coders differ, labelled, with every coder side by side, lowest-agreement code first', async () => {
    const { document, a, b } = await codedDocument('Navigator');
    const response = await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`);
    expect(response.status).toBe(200);
    const list = response.body;
    expect(list.coders.map((coder: { id: string }) => coder.id)).toEqual([coderA.id, coderB.id]);
    expect(list.codes.map((standing: { codeId: string }) => standing.codeId)).toEqual([codes.barrier, codes.time, codes.enabler]);
    expect(list.codes[1].agreement).toBeCloseTo(14 / 33, 12);
    expect(list.agreedPassages).toBe(2);
    expect(list.progress).toEqual({ resolved: 0, total: 4 });
    expect(list.disagreements.map((passage: { text: string; kinds: string[] }) => [passage.text, passage.kinds])).toEqual([
      ['The paperwork', ['different-code']],
      ['three sign-offs', ['missing']],
      ['What helps you lead', ['overlapping-codes']],
      ['Two sessions a week are funded', ['boundary']],
    ]);
    const [differentCode, missing] = list.disagreements;
    expect(differentCode.versions).toEqual([
      { coder: coderA.id, codings: [{ id: a.differentCode.id, codeId: codes.barrier, start: a.differentCode.start, end: a.differentCode.end, text: 'The paperwork' }] },
      { coder: coderB.id, codings: [{ id: b.differentCode.id, codeId: codes.enabler, start: b.differentCode.start, end: b.differentCode.end, text: 'The paperwork' }] },
    ]);
    expect(missing.versions[1]).toEqual({ coder: coderB.id, codings: [] });
    expect(list.disagreements.every((passage: { state: string; claim: unknown }) => passage.state === 'open' && passage.claim === null)).toBe(true);
  });

  it('with three coders, a passage one of them left uncoded is missing, and only the one all three agree on drops out', async () => {
    const { document } = await codedDocument('Three coders');
    await code(document, coderC, 'Protected time', codes.enabler);
    const list = (await owner.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB, coderC)}`)).body;
    expect(list.coders).toHaveLength(3);
    expect(list.agreedPassages).toBe(1);
    expect(list.disagreements).toHaveLength(5);
    expect(list.disagreements.every((passage: { kinds: string[] }) => passage.kinds.includes('missing'))).toBe(true);
    expect(list.disagreements.find((passage: { text: string }) => passage.text === 'Every decision').kinds).toEqual(['missing']);
  });

  it('refuses a scope of fewer than two coders and a coder who is not a member, naming them', async () => {
    const { document } = await codedDocument('Scope');
    const one = await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA)}`);
    expect(one.status).toBe(400);
    expect(one.body.error.code).toBe('too_few_coders');
    const stranger = await adjudicator.api.get(`${base(document.id)}/disagreements?coders=${coderA.id},nobody`);
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.message).toMatch(/nobody/);
  });
});

describe('[Q1][Q4] decisions', () => {
  it('each action writes exactly its consensus codings and one record of who, when, why and what each coder had', async () => {
    const { document, a, b } = await codedDocument('Decisions');
    const list = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    const byText = (text: string) => list.disagreements.find((passage: { text: string }) => passage.text === text);
    const cases: { text: string; action: object; expected: string[] }[] = [
      { text: 'The paperwork', action: { kind: 'accept', coder: coderA.id }, expected: [`${codes.barrier}:The paperwork`] },
      { text: 'Two sessions a week are funded', action: { kind: 'intersection' }, expected: [`${codes.enabler}:Two sessions`] },
      { text: 'What helps you lead', action: { kind: 'union' }, expected: [`${codes.enabler}:What helps you lead`, `${codes.time}:What helps you lead`] },
      { text: 'three sign-offs', action: { kind: 'discard' }, expected: [] },
    ];
    for (const [index, { text, action, expected }] of cases.entries()) {
      const before = await consensus(document.id);
      const passage = byText(text);
      const decided = await adjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/decision${scope(coderA, coderB)}`, {
        action,
        rationale: `  reason ${index}  `,
        revision: passage.revision,
      });
      expect(decided.status).toBe(201);
      const after = await consensus(document.id);
      const added = after.filter((coding) => !before.some((old) => old.id === coding.id));
      expect(after).toHaveLength(before.length + expected.length);
      expect(summary(added)).toEqual([...expected].sort());
      expect(added.every((coding) => coding.createdBy === adjudicator.id)).toBe(true);
      const { decision, progress } = decided.body;
      expect(progress).toEqual({ resolved: index + 1, total: 4 });
      expect(decision).toMatchObject({ disagreementId: passage.id, revision: passage.revision, decidedBy: adjudicator.id, rationale: `reason ${index}`, mergeId: null });
      expect(decision.consensusCodingIds.sort()).toEqual(added.map((coding) => coding.id).sort());
      expect(decision.coderVersions).toEqual(
        passage.versions.map((version: { coder: string; codings: Coding[] }) => ({
          coder: version.coder,
          codings: version.codings.map(({ id, codeId, start, end }) => ({ id, codeId, start, end })),
        })),
      );
    }
    const trail = (await owner.api.get(`${base(document.id)}/decisions`)).body;
    expect(trail.decisions).toHaveLength(4);
    expect(trail.decisions.find((decision: { action: { action: string } }) => decision.action.action === 'accept-coder').coderVersions[0].codings[0].id).toBe(a.differentCode.id);
    const relisted = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    expect(relisted.progress).toEqual({ resolved: 4, total: 4 });
    expect(relisted.disagreements.every((passage: { state: string; decisions: unknown[] }) => passage.state === 'resolved' && passage.decisions.length === 1)).toBe(true);

    // Deciding a passage again is refused; once a coder changes it, it is open to a new decision.
    const paperwork = byText('The paperwork');
    const again = await secondAdjudicator.api.post(`${base(document.id)}/disagreements/${paperwork.id}/decision${scope(coderA, coderB)}`, { action: { kind: 'discard' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_decided');
    const start = document.text.indexOf('paperwork');
    expect((await coderB.api.patch(`${base(document.id)}/codings/${b.differentCode.id}`, { start, end: start + 'paperwork'.length })).status).toBe(200);
    const changed = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    const changedPaperwork = changed.disagreements.find((passage: { id: string }) => passage.id === paperwork.id);
    expect(changedPaperwork.state).toBe('changed');
    expect(changed.progress.resolved).toBe(3);

    // [Q6] Deciding it again replaces the decision on its old codings instead of adding to it.
    const earlier = changedPaperwork.decisions.at(-1);
    const before = await consensus(document.id);
    expect(earlier.consensusCodingIds.every((id: string) => before.some((coding) => coding.id === id))).toBe(true);
    const redone = await adjudicator.api.post(`${base(document.id)}/disagreements/${paperwork.id}/decision${scope(coderA, coderB)}`, {
      action: { kind: 'accept', coder: coderB.id },
      revision: changedPaperwork.revision,
    });
    expect(redone.status).toBe(201);
    expect(redone.body.decision.supersedes).toBe(earlier.id);
    expect(redone.body.superseded).toEqual({ decisionId: earlier.id, removed: earlier.consensusCodingIds, keptEdited: [], alreadyRemoved: [] });
    const after = await consensus(document.id);
    expect(after.some((coding) => earlier.consensusCodingIds.includes(coding.id))).toBe(false);
    expect(after.filter((coding) => redone.body.decision.consensusCodingIds.includes(coding.id))).toHaveLength(1);
    expect(redone.body.progress.resolved).toBe(4);
  });

  it('a custom boundary and a recode write the drawn range and the new code; unknown codes and stale revisions are refused', async () => {
    const document = await newDocument('Custom and recode');
    await code(document, coderA, 'Protected time', codes.enabler);
    await code(document, coderB, 'Protected time, mostly', codes.barrier);
    await code(document, coderA, 'The paperwork', codes.enabler);
    await code(document, coderB, 'paperwork', codes.time);
    const list = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    const byText = (text: string) => list.disagreements.find((passage: { text: string }) => passage.text === text);
    const decisionUrl = (id: string) => `${base(document.id)}/disagreements/${id}/decision${scope(coderA, coderB)}`;
    const protectedTime = byText('Protected time, mostly');
    const start = document.text.indexOf('Protected time, mostly');

    const unknownCode = await adjudicator.api.post(decisionUrl(protectedTime.id), { action: { kind: 'custom', codeId: 'no-such-code', start, end: start + 5 } });
    expect(unknownCode.status).toBe(400);
    expect(unknownCode.body.error.code).toBe('unknown_code');
    const stale = await adjudicator.api.post(decisionUrl(protectedTime.id), { action: { kind: 'discard' }, revision: 'old-revision' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_disagreement');
    const badAction = await adjudicator.api.post(decisionUrl(protectedTime.id), { action: { kind: 'median' } });
    expect(badAction.status).toBe(400);
    expect(badAction.body.error.message).toMatch(/action/);
    expect(await consensus(document.id)).toEqual([]);

    const custom = await adjudicator.api.post(decisionUrl(protectedTime.id), {
      action: { kind: 'custom', codeId: codes.enabler, start, end: start + 'Protected time, mostly'.length },
    });
    expect(custom.status).toBe(201);
    expect(custom.body.decision.action).toEqual({ action: 'custom-range', codeId: codes.enabler, start, end: start + 'Protected time, mostly'.length });
    const recode = await adjudicator.api.post(decisionUrl(byText('The paperwork').id), { action: { kind: 'recode', codeId: codes.barrier, from: { kind: 'union' } } });
    expect(recode.status).toBe(201);
    expect(summary(await consensus(document.id))).toEqual([`${codes.barrier}:The paperwork`, `${codes.enabler}:Protected time, mostly`].sort());
  });
});

describe('[Q3] live claims', () => {
  it('a second adjudicator sees the claim live and is refused the claimed passage until it is released', async () => {
    const { document } = await codedDocument('Claims');
    const list = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    const passage = list.disagreements[0];
    const watcher = connectProvider(server.wsUrl, documentNames.consensus(document.id), secondAdjudicator.token);
    providers.push(watcher);
    await watcher.synced;
    const seen: string[][] = [];
    observeClaims(watcher.doc, () => seen.push(readClaims(watcher.doc).map((claim) => claim.userId)));

    const claimed = await adjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/claim${scope(coderA, coderB)}`);
    expect(claimed.status).toBe(200);
    expect(Date.parse(claimed.body.expiresAt) - Date.parse(claimed.body.claimedAt)).toBe(defaultConfig.limits.reconciliationClaimTtlMs);
    await eventually(() => expect(getClaim(watcher.doc, passage.id)?.userId).toBe(adjudicator.id));

    const refusedClaim = await secondAdjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/claim${scope(coderA, coderB)}`);
    expect(refusedClaim.status).toBe(409);
    expect(refusedClaim.body.error.code).toBe('claimed');
    expect(refusedClaim.body.error.message).toContain('adjudicator 0');
    const refusedDecision = await secondAdjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/decision${scope(coderA, coderB)}`, { action: { kind: 'discard' } });
    expect(refusedDecision.status).toBe(409);
    expect(refusedDecision.body.error.code).toBe('claimed');
    expect((await secondAdjudicator.api.delete(`${base(document.id)}/disagreements/${passage.id}/claim`)).status).toBe(409);
    const shown = (await secondAdjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    expect(shown.disagreements[0].claim).toMatchObject({ userId: adjudicator.id });

    expect((await adjudicator.api.delete(`${base(document.id)}/disagreements/${passage.id}/claim`)).status).toBe(204);
    await eventually(() => expect(getClaim(watcher.doc, passage.id)).toBeNull());
    expect(seen[0]).toEqual([adjudicator.id]);
    const decided = await secondAdjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/decision${scope(coderA, coderB)}`, { action: { kind: 'discard' } });
    expect(decided.status).toBe(201);
  });

  it('a decision by the claimant releases the claim', async () => {
    const { document } = await codedDocument('Claim and decide');
    const passage = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body.disagreements[1];
    expect((await adjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/claim${scope(coderA, coderB)}`)).status).toBe(200);
    expect((await adjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/decision${scope(coderA, coderB)}`, { action: { kind: 'union' } })).status).toBe(201);
    const shown = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    expect(shown.disagreements.find((item: { id: string }) => item.id === passage.id).claim).toBeNull();
  });
});

describe('[Q5] auto-merge', () => {
  it('preview = apply = exactly the agreed passages; undo restores; undo after an edit keeps the edited coding and names it', async () => {
    const { document } = await codedDocument('Auto-merge');
    const url = `${base(document.id)}/automerge`;
    const preview = (await adjudicator.api.post(`${url}/preview${scope(coderA, coderB)}`)).body;
    expect(preview.passages.map((passage: { codings: Coding[] }) => summary(passage.codings))).toEqual([[`${codes.enabler}:Protected time`], [`${codes.time}:Every decision`]]);
    expect(preview.codings).toBe(2);

    const stale = await adjudicator.api.post(`${url}${scope(coderA, coderB)}`, { planId: 'plan-other' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('plan_changed');
    expect(await consensus(document.id)).toEqual([]);

    const applied = await adjudicator.api.post(`${url}${scope(coderA, coderB)}`, { planId: preview.planId });
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ decisions: 2, codings: 2 });
    const merged = await consensus(document.id);
    expect(summary(merged)).toEqual([`${codes.enabler}:Protected time`, `${codes.time}:Every decision`].sort());
    expect(merged.map((coding) => coding.id).sort()).toEqual(preview.passages.flatMap((passage: { codings: Coding[] }) => passage.codings.map((coding) => coding.id)).sort());
    const trail = (await adjudicator.api.get(`${base(document.id)}/decisions`)).body;
    expect(trail.decisions.map((decision: { action: { action: string }; mergeId: string }) => [decision.action.action, decision.mergeId])).toEqual([
      ['auto-merge', applied.body.mergeId],
      ['auto-merge', applied.body.mergeId],
    ]);
    expect((await adjudicator.api.post(`${url}/preview${scope(coderA, coderB)}`)).body.codings).toBe(0);

    const undone = await adjudicator.api.post(`${url}/${applied.body.mergeId}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body.removed.sort()).toEqual(merged.map((coding) => coding.id).sort());
    expect(undone.body.keptEdited).toEqual([]);
    expect(await consensus(document.id)).toEqual([]);
    expect((await adjudicator.api.post(`${url}/${applied.body.mergeId}/undo`)).body.error.code).toBe('already_undone');

    // Merged again (the undone merge no longer counts as deciding), then one coding is edited.
    const again = (await adjudicator.api.post(`${url}/preview${scope(coderA, coderB)}`)).body;
    expect(again.codings).toBe(2);
    const second = (await adjudicator.api.post(`${url}${scope(coderA, coderB)}`, { planId: again.planId })).body;
    const [edited, untouched] = await consensus(document.id);
    expect((await owner.api.patch(`${base(document.id)}/codings/${edited.id}`, { layer: 'consensus', codeId: codes.barrier })).status).toBe(200);
    const partial = (await adjudicator.api.post(`${url}/${second.mergeId}/undo`)).body;
    expect(partial).toMatchObject({ removed: [untouched.id], keptEdited: [edited.id], alreadyRemoved: [] });
    expect((await consensus(document.id)).map((coding) => coding.id)).toEqual([edited.id]);
  });
});

describe('[Q1][A3] who sees reconciliation', () => {
  it('coders (blind or not) get 403, non-members 404, and nothing of the trail is in their answer', async () => {
    const { document } = await codedDocument('Access');
    const list = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    for (const path of [`/disagreements${scope(coderA, coderB)}`, '/decisions', '/decisions?format=csv']) {
      const refused = await coderA.api.get(`${base(document.id)}${path}`);
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body)).not.toContain(coderB.id);
    }
    expect((await coderA.api.post(`${base(document.id)}/disagreements/${list.disagreements[0].id}/decision${scope(coderA, coderB)}`, { action: { kind: 'discard' } })).status).toBe(403);
    expect((await coderA.api.post(`${base(document.id)}/automerge/preview${scope(coderA, coderB)}`)).status).toBe(403);
    const stranger = await registerUser(server, 'Stranger');
    expect((await stranger.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).status).toBe(404);
    expect(await consensus(document.id)).toEqual([]);
  });
});

describe('[Q2] the trail and claims are written by the server only', () => {
  /** Per-document close reasons a provider received, as close events. */
  function closesOf(connection: TestProvider) {
    const closes: unknown[] = [];
    connection.provider.on('close', ({ event }: { event: { code: number; reason: string } }) => {
      if (event.code === 1000) closes.push(closeEventForReason(event.reason));
    });
    return closes;
  }

  it('a websocket update that adds a claim, forges a decision or deletes a claim is refused with 4403 and not applied', async () => {
    const { document } = await codedDocument('Guard');
    const passage = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body.disagreements[0];
    expect((await adjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/claim${scope(coderA, coderB)}`)).status).toBe(200);
    const attempts: [string, (doc: Y.Doc) => void][] = [
      ['adds a claim', (doc) => putClaim(doc, { disagreementId: 'p-forged', userId: secondAdjudicator.id, userName: 'x', claimedAt: '', expiresAt: '2999-01-01T00:00:00Z' })],
      ['forges a decision', (doc) => doc.getMap('decisions').set('forged', { id: 'forged' })],
      ['deletes a claim', (doc) => doc.getMap('claims').delete(passage.id)],
      ['nests a map in the trail', (doc) => doc.getMap('merges').set('nested', new Y.Map())],
    ];
    for (const [what, write] of attempts) {
      const connection = connectProvider(server.wsUrl, documentNames.consensus(document.id), secondAdjudicator.token);
      providers.push(connection);
      await connection.synced;
      const closes = closesOf(connection);
      write(connection.doc);
      await eventually(() => expect(closes, what).toContainEqual(closeCodes.forbidden));
      connection.destroy();
    }
    const watcher = connectProvider(server.wsUrl, documentNames.consensus(document.id), owner.token);
    providers.push(watcher);
    await watcher.synced;
    expect(readClaims(watcher.doc).map((claim) => claim.disagreementId)).toEqual([passage.id]);
    expect(readDecisions(watcher.doc)).toEqual([]);
    expect(watcher.doc.getMap('merges').size).toBe(0);
  });

  it('a consensus coding written over the websocket still goes through', async () => {
    const { document } = await codedDocument('Guard lets codings pass');
    const connection = connectProvider(server.wsUrl, documentNames.consensus(document.id), adjudicator.token);
    providers.push(connection);
    await connection.synced;
    const closes = closesOf(connection);
    const created = await adjudicator.api.post(`${base(document.id)}/codings`, { codeId: codes.enabler, start: 0, end: 4, layer: 'consensus' });
    expect(created.status).toBe(201);
    await eventually(() => expect(connection.doc.getMap('codings').has(created.body.id)).toBe(true));
    // Removing it over the socket (an adjudicator's undo) is a codings write, not a trail write.
    connection.doc.getMap('codings').delete(created.body.id);
    await eventually(async () => expect(await consensus(document.id)).toEqual([]));
    expect(closes).toEqual([]);
  });
});

describe('[Q4] the trail in the exports', () => {
  it('the project JSON carries the decisions, the .qdpx a note on each consensus selection, the CSV one row per decision; coders get none', async () => {
    const { document } = await codedDocument('Exported trail');
    const list = (await adjudicator.api.get(`${base(document.id)}/disagreements${scope(coderA, coderB)}`)).body;
    const [accepted, discarded] = list.disagreements;
    for (const [passage, action] of [
      [accepted, { kind: 'accept', coder: coderA.id }],
      [discarded, { kind: 'discard' }],
    ])
      expect(
        (await adjudicator.api.post(`${base(document.id)}/disagreements/${passage.id}/decision${scope(coderA, coderB)}`, { action, rationale: `why ${passage.text}` })).status,
      ).toBe(201);

    const json = (await owner.api.get(`/projects/${projectId}/export?format=json&document=${document.id}`)).body;
    expect(json.project.decisions.map((decision: { rationale: string; sourceId: string }) => [decision.rationale, decision.sourceId])).toEqual([
      [`why ${accepted.text}`, document.id],
      [`why ${discarded.text}`, document.id],
    ]);

    const qdpx = await fetch(`${server.url}/api/projects/${projectId}/export?format=qdpx&document=${document.id}`, { headers: { authorization: `Bearer ${owner.token}` } });
    const qde = new TextDecoder().decode(unzipSync(new Uint8Array(await qdpx.arrayBuffer()))['project.qde']);
    expect(qde).toContain(`Rationale: why ${accepted.text}`);
    expect(qde).toContain('adjudicator 0');
    // The accepted decision's note hangs on its consensus selection, the discard's on the source.
    expect(qde).toMatch(/<\/Coding>\s*<NoteRef targetGUID="[^"]+"\/>\s*<\/PlainTextSelection>/);
    expect(qde).toMatch(/<NoteRef targetGUID="[^"]+"\/>\s*<\/TextSource>/);
    // With the decision notes the file still validates against the standard's schema.
    if (schemaValidationAvailable) expect(schemaErrors(qde, projectSchema)).toBeNull();

    const csv = await fetch(`${server.url}/api${base(document.id)}/decisions?format=csv`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain('accept coder 2');
    expect(rows[1]).toContain(`why ${accepted.text}`);
    expect(rows[2]).toContain('discard');

    const coderExport = await coderA.api.get(`/projects/${projectId}/export?format=json&document=${document.id}`);
    expect(coderExport.status).toBe(200);
    expect(coderExport.body.project.decisions).toBeUndefined();
  });
});
