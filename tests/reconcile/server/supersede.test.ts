/**
 * Changing a decision on a real server (SPEC Q6): a decision that supersedes the one in force
 * replaces its consensus codings exactly in one write, keeps and names the codings someone edited
 * since, and appends a record linked to the one it replaced, which stays as it was; stale,
 * unknown and needless `supersedes` are refused; the CSV, the project JSON and the .qdpx carry the
 * chain; and an auto-merge whose decision was superseded leaves that passage alone when undone.
 */
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { guidFor } from '../../../server/exchange/refi/guid';
import { splitCsv } from '../../../shared/agreement/input';
import { documentNames } from '../../../shared/collab/documentNames';
import { ydocKeys } from '../../../shared/collab/schema';
import { projectSchema, schemaErrors, schemaValidationAvailable } from '../../exchange/refi/fixtures';
import { projectWithMembers, sampleTranscript, startTestServer, type TestServer, type TestUser } from '../../helpers/server';

interface Coding {
  id: string;
  codeId: string;
  start: number;
  end: number;
  text: string;
}

interface Decision {
  id: string;
  disagreementId: string;
  revision: string;
  supersedes: string | null;
  consensusCodingIds: string[];
  mergeId: string | null;
}

interface Passage {
  id: string;
  revision: string;
  text: string;
  state: string;
  inForce: string | null;
  decisions: Decision[];
}

let server: TestServer;
let owner: TestUser;
let adjudicator: TestUser;
let secondAdjudicator: TestUser;
let coderA: TestUser;
let coderB: TestUser;
let projectId: string;
const codes: Record<'enabler' | 'barrier' | 'time', string> = { enabler: '', barrier: '', time: '' };

beforeAll(async () => {
  server = await startTestServer();
  const setup = await projectWithMembers(server, ['adjudicator', 'adjudicator', 'coder', 'coder'], { blind: true });
  owner = setup.owner;
  [adjudicator, secondAdjudicator, coderA, coderB] = setup.members;
  projectId = setup.project.id;
  for (const name of ['enabler', 'barrier', 'time'] as const) codes[name] = (await owner.api.post(`/projects/${projectId}/codes`, { name })).body.id;
});

afterAll(async () => {
  await server.dispose();
});

const base = (documentId: string) => `/projects/${projectId}/documents/${documentId}`;
const scope = () => `?coders=${coderA.id},${coderB.id}`;
const consensus = async (documentId: string): Promise<Coding[]> => (await owner.api.get(`${base(documentId)}/codings?layer=consensus`)).body;
const summary = (codings: Coding[]) => codings.map((coding) => `${coding.codeId}:${coding.text}`).sort();

/**
 * Coders A and B on the sample transcript: "The paperwork" (Barrier / Enabler), "What helps you
 * lead" (A adds Time), "three sign-offs" (A only) disagree; "Protected time" and "Every decision"
 * agree, so auto-merge takes them.
 */
async function codedDocument(title: string) {
  const id = (await owner.api.post(`/projects/${projectId}/documents`, { title, text: sampleTranscript })).body.id as string;
  const text = (await owner.api.get(`/projects/${projectId}/documents/${id}`)).body.text as string;
  const code = async (coder: TestUser, quote: string, codeId: string) => {
    const start = text.indexOf(quote);
    expect((await coder.api.post(`${base(id)}/codings`, { codeId, start, end: start + quote.length })).status).toBe(201);
  };
  await code(coderA, 'The paperwork', codes.barrier);
  await code(coderB, 'The paperwork', codes.enabler);
  await code(coderA, 'What helps you lead', codes.enabler);
  await code(coderA, 'What helps you lead', codes.time);
  await code(coderB, 'What helps you lead', codes.enabler);
  await code(coderA, 'three sign-offs', codes.barrier);
  for (const coder of [coderA, coderB]) {
    await code(coder, 'Protected time', codes.enabler);
    await code(coder, 'Every decision', codes.time);
  }
  return id;
}

async function passages(documentId: string): Promise<{ progress: { resolved: number; total: number }; byText: (text: string) => Passage }> {
  const list = (await adjudicator.api.get(`${base(documentId)}/disagreements${scope()}`)).body;
  return { progress: list.progress, byText: (text) => list.disagreements.find((passage: Passage) => passage.text === text) };
}

function decide(user: TestUser, documentId: string, passage: { id: string }, body: object) {
  return user.api.post(`${base(documentId)}/disagreements/${passage.id}/decision${scope()}`, body);
}

async function trail(documentId: string): Promise<Decision[]> {
  return (await owner.api.get(`${base(documentId)}/decisions`)).body.decisions;
}

describe('[Q6] changing a decision', () => {
  it('supersedes the decision in force: its codings are replaced exactly, the old record stays as it was, progress does not move', async () => {
    const documentId = await codedDocument('Supersede');
    const { byText } = await passages(documentId);
    const paperwork = byText('The paperwork');
    const first = (await decide(adjudicator, documentId, paperwork, { action: { kind: 'accept', coder: coderA.id }, revision: paperwork.revision })).body.decision as Decision;
    expect(first.supersedes).toBeNull();
    expect((await decide(adjudicator, documentId, byText('three sign-offs'), { action: { kind: 'union' } })).status).toBe(201);
    const untouched = (await consensus(documentId)).find((coding) => coding.text === 'three sign-offs') as Coding;
    expect((await passages(documentId)).progress).toEqual({ resolved: 2, total: 3 });

    const changed = await decide(adjudicator, documentId, paperwork, {
      action: { kind: 'accept', coder: coderB.id },
      rationale: 'We now read “barrier” more narrowly.',
      revision: paperwork.revision,
      supersedes: first.id,
    });
    expect(changed.status).toBe(201);
    const second = changed.body.decision as Decision;
    expect(second).toMatchObject({ disagreementId: paperwork.id, supersedes: first.id, mergeId: null });
    expect(changed.body.superseded).toEqual({ decisionId: first.id, removed: first.consensusCodingIds, keptEdited: [], alreadyRemoved: [] });
    expect(changed.body.progress).toEqual({ resolved: 2, total: 3 });
    const after = await consensus(documentId);
    expect(summary(after)).toEqual([`${codes.enabler}:The paperwork`, `${codes.barrier}:three sign-offs`].sort());
    expect(after.map((coding) => coding.id).sort()).toEqual([...second.consensusCodingIds, untouched.id].sort());

    // The trail keeps the first record exactly as it was written, and the list shows the chain.
    const recorded = await trail(documentId);
    expect(recorded.find((decision) => decision.id === first.id)).toEqual(first);
    expect(recorded.find((decision) => decision.id === second.id)).toEqual(second);
    const listed = await passages(documentId);
    expect(listed.progress).toEqual({ resolved: 2, total: 3 });
    expect(listed.byText('The paperwork')).toMatchObject({ state: 'resolved', inForce: second.id });
    expect(listed.byText('The paperwork').decisions.map((decision) => decision.id)).toEqual([first.id, second.id]);

    // A second change: the coding someone removed meanwhile is reported, not removed twice.
    const [secondCoding] = second.consensusCodingIds;
    expect((await owner.api.delete(`${base(documentId)}/codings/${secondCoding}?layer=consensus`)).status).toBe(204);
    const third = await decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: second.id });
    expect(third.status).toBe(201);
    expect(third.body.superseded).toEqual({ decisionId: second.id, removed: [], keptEdited: [], alreadyRemoved: [secondCoding] });
    expect((await consensus(documentId)).map((coding) => coding.id)).toEqual([untouched.id]);
    expect((await trail(documentId)).map((decision) => decision.supersedes)).toEqual([null, null, first.id, second.id]);
  });

  it('keeps and names the superseded decision’s codings that someone edited since', async () => {
    const documentId = await codedDocument('Edited since');
    const lead = (await passages(documentId)).byText('What helps you lead');
    const union = (await decide(adjudicator, documentId, lead, { action: { kind: 'union' } })).body.decision as Decision;
    const written = await consensus(documentId);
    expect(summary(written)).toEqual([`${codes.enabler}:What helps you lead`, `${codes.time}:What helps you lead`].sort());
    const edited = written.find((coding) => coding.codeId === codes.time) as Coding;
    const plain = written.find((coding) => coding.codeId === codes.enabler) as Coding;
    expect((await owner.api.patch(`${base(documentId)}/codings/${edited.id}`, { layer: 'consensus', codeId: codes.barrier })).status).toBe(200);

    const changed = await decide(adjudicator, documentId, lead, { action: { kind: 'accept', coder: coderB.id }, supersedes: union.id });
    expect(changed.status).toBe(201);
    expect(changed.body.superseded).toEqual({ decisionId: union.id, removed: [plain.id], keptEdited: [edited.id], alreadyRemoved: [] });
    const after = await consensus(documentId);
    expect(after.find((coding) => coding.id === edited.id)).toMatchObject({ codeId: codes.barrier, text: 'What helps you lead' });
    expect(after.map((coding) => coding.id).sort()).toEqual([edited.id, ...changed.body.decision.consensusCodingIds].sort());
  });

  it('refuses a stale, needless, unknown or foreign supersedes and a decided passage without one; claims still hold; nothing is written', async () => {
    const documentId = await codedDocument('Refusals');
    const { byText } = await passages(documentId);
    const paperwork = byText('The paperwork');
    const signOffs = byText('three sign-offs');
    const first = (await decide(adjudicator, documentId, paperwork, { action: { kind: 'accept', coder: coderA.id } })).body.decision as Decision;
    const second = (await decide(secondAdjudicator, documentId, paperwork, { action: { kind: 'union' }, supersedes: first.id })).body.decision as Decision;
    const before = await consensus(documentId);
    const refusals: [string, Promise<{ status: number; body: { error: { code: string; message: string } } }>, number, string][] = [
      ['a change on a decision no longer in force', decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: first.id }), 409, 'decision_changed'],
      ['a decided passage without supersedes', decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' } }), 409, 'already_decided'],
      ['supersedes on a passage not decided yet', decide(adjudicator, documentId, signOffs, { action: { kind: 'discard' }, supersedes: second.id }), 409, 'not_decided'],
      ['a decision not in the trail', decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: 'no-such-decision' }), 404, 'unknown_decision'],
      ['an empty supersedes', decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: '' }), 400, 'validation_failed'],
    ];
    for (const [what, response, status, code] of refusals) {
      const refused = await response;
      expect(refused.status, what).toBe(status);
      expect(refused.body.error.code, what).toBe(code);
    }
    const stale = await decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: first.id });
    expect(stale.body.error.message).toContain(second.id);
    expect(stale.body.error.message).toContain('adjudicator 1');
    expect((await decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' } })).body.error.message).toContain(`supersedes: "${second.id}"`);

    // A decision of another passage: decide sign-offs, then name it on the paperwork passage.
    const signOffsDecision = (await decide(adjudicator, documentId, signOffs, { action: { kind: 'discard' } })).body.decision as Decision;
    const foreign = await decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: signOffsDecision.id });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('decision_of_other_passage');
    expect(foreign.body.error.message).toContain(signOffs.id);

    // Another adjudicator's claim holds against a change too.
    expect((await secondAdjudicator.api.post(`${base(documentId)}/disagreements/${paperwork.id}/claim${scope()}`)).status).toBe(200);
    const claimed = await decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: second.id });
    expect(claimed.status).toBe(409);
    expect(claimed.body.error.code).toBe('claimed');
    expect((await secondAdjudicator.api.delete(`${base(documentId)}/disagreements/${paperwork.id}/claim`)).status).toBe(204);

    expect(summary(await consensus(documentId))).toEqual(summary(before));
    expect((await trail(documentId)).map((decision) => decision.id)).toEqual([first.id, second.id, signOffsDecision.id]);
    expect((await passages(documentId)).byText('The paperwork').inForce).toBe(second.id);
  });

  it('[Q1] a coder cannot change a decision', async () => {
    const documentId = await codedDocument('Coder');
    const paperwork = (await passages(documentId)).byText('The paperwork');
    const first = (await decide(adjudicator, documentId, paperwork, { action: { kind: 'accept', coder: coderA.id } })).body.decision as Decision;
    const refused = await decide(coderB, documentId, paperwork, { action: { kind: 'accept', coder: coderB.id }, supersedes: first.id });
    expect(refused.status).toBe(403);
    expect((await trail(documentId)).map((decision) => decision.id)).toEqual([first.id]);
    expect(summary(await consensus(documentId))).toEqual([`${codes.barrier}:The paperwork`]);
  });

  it('a record written before supersedes existed reads as superseding none, and can be superseded', async () => {
    const documentId = await codedDocument('Older record');
    const paperwork = (await passages(documentId)).byText('The paperwork');
    const first = (await decide(adjudicator, documentId, paperwork, { action: { kind: 'accept', coder: coderA.id } })).body.decision as Decision;
    // Rewritten as the server stored decisions before the field existed.
    const direct = await server.hocuspocus.openDirectConnection(documentNames.consensus(documentId), {});
    await direct.transact((doc: Y.Doc) => {
      const { supersedes: _dropped, ...older } = first;
      doc.getMap(ydocKeys.consensusDecisions).set(first.id, older);
    });
    await direct.disconnect();
    const [read] = await trail(documentId);
    expect(read).toEqual({ ...first, supersedes: null });
    const changed = await decide(adjudicator, documentId, paperwork, { action: { kind: 'discard' }, supersedes: first.id });
    expect(changed.status).toBe(201);
    expect(changed.body.superseded.removed).toEqual(first.consensusCodingIds);
  });
});

describe('[Q4][Q6] the chain in the exported trail', () => {
  it('the CSV has a supersedes column, the project JSON the field, and each .qdpx note stays on its own decision’s selection', async () => {
    const documentId = await codedDocument('Exported chain');
    const paperwork = (await passages(documentId)).byText('The paperwork');
    const first = (await decide(adjudicator, documentId, paperwork, { action: { kind: 'accept', coder: coderA.id }, rationale: 'first reading' })).body.decision as Decision;
    const second = (await decide(adjudicator, documentId, paperwork, { action: { kind: 'accept', coder: coderB.id }, rationale: 'narrower reading', supersedes: first.id })).body
      .decision as Decision;

    const csv = await fetch(`${server.url}/api${base(documentId)}/decisions?format=csv`, { headers: { authorization: `Bearer ${owner.token}` } });
    const [header, ...rows] = splitCsv(await csv.text()).map((record) => record.fields);
    const column = (name: string) => header.indexOf(name);
    expect(column('supersedes')).toBeGreaterThan(0);
    expect(rows.map((row) => [row[column('decision')], row[column('supersedes')], row[column('rationale')]])).toEqual([
      [first.id, '', 'first reading'],
      [second.id, first.id, 'narrower reading'],
    ]);

    const json = (await owner.api.get(`/projects/${projectId}/export?format=json&document=${documentId}`)).body;
    expect(json.project.decisions.map((decision: Decision) => [decision.id, decision.supersedes])).toEqual([
      [first.id, null],
      [second.id, first.id],
    ]);

    const qdpx = await fetch(`${server.url}/api/projects/${projectId}/export?format=qdpx&document=${documentId}`, { headers: { authorization: `Bearer ${owner.token}` } });
    const qde = new TextDecoder().decode(unzipSync(new Uint8Array(await qdpx.arrayBuffer()))['project.qde']);
    const noteGuid = (decision: Decision) => guidFor('note', `cocode:decision:${decision.id}`);
    const selection = qde.match(new RegExp(`<PlainTextSelection guid="${guidFor('selection', `selection-of:${second.consensusCodingIds[0]}`)}"[^]*?</PlainTextSelection>`))?.[0] ?? '';
    expect(selection).toContain(`<NoteRef targetGUID="${noteGuid(second)}"/>`);
    expect(selection).not.toContain(noteGuid(first));
    // The superseded decision wrote nothing that is still there: its note is the source's.
    expect(qde).toMatch(new RegExp(`<NoteRef targetGUID="${noteGuid(first)}"/>\\s*</TextSource>`));
    const noteText = (decision: Decision) => qde.match(new RegExp(`<Note guid="${noteGuid(decision)}"[^]*?</Note>`))?.[0] ?? '';
    expect(noteText(first)).toContain(`Superseded by decision ${second.id}`);
    expect(noteText(second)).toContain(`Supersedes decision ${first.id}.`);
    if (schemaValidationAvailable) expect(schemaErrors(qde, projectSchema)).toBeNull();
  });
});

describe('[Q5][Q6] changing an auto-merge decision', () => {
  async function merged(title: string) {
    const documentId = await codedDocument(title);
    const url = `${base(documentId)}/automerge`;
    const preview = (await adjudicator.api.post(`${url}/preview${scope()}`)).body;
    const applied = (await adjudicator.api.post(`${url}${scope()}`, { planId: preview.planId })).body;
    const decisions = await trail(documentId);
    const byText = async (text: string) => {
      const coding = (await consensus(documentId)).find((entry) => entry.text === text) as Coding;
      return { coding, decision: decisions.find((decision) => decision.consensusCodingIds.includes(coding.id)) as Decision };
    };
    return { documentId, url, mergeId: applied.mergeId as string, protectedTime: await byText('Protected time'), everyDecision: await byText('Every decision') };
  }

  it('supersedes the auto-merge’s decision; undoing the merge then removes only what is still the merge’s', async () => {
    const { documentId, url, mergeId, protectedTime, everyDecision } = await merged('Auto-merge changed');
    const changed = await decide(adjudicator, documentId, { id: protectedTime.decision.disagreementId }, {
      action: { kind: 'recode', codeId: codes.barrier, from: { kind: 'union' } },
      supersedes: protectedTime.decision.id,
    });
    expect(changed.status).toBe(201);
    expect(changed.body.superseded).toEqual({ decisionId: protectedTime.decision.id, removed: [protectedTime.coding.id], keptEdited: [], alreadyRemoved: [] });
    const recoded = changed.body.decision as Decision;

    const undone = await adjudicator.api.post(`${url}/${mergeId}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ removed: [everyDecision.coding.id], keptEdited: [], alreadyRemoved: [], supersededDecisions: [protectedTime.decision.id] });
    const after = await consensus(documentId);
    expect(after.map((coding) => coding.id)).toEqual(recoded.consensusCodingIds);
    expect(summary(after)).toEqual([`${codes.barrier}:Protected time`]);

    // The change stays in force: auto-merge offers only the passage whose merge was undone, and a
    // change naming the undone merge's decision finds nothing in force to supersede.
    const again = (await adjudicator.api.post(`${url}/preview${scope()}`)).body;
    expect(again.passages.map((passage: { disagreementId: string }) => passage.disagreementId)).toEqual([everyDecision.decision.disagreementId]);
    const undoneDecision = await decide(adjudicator, documentId, { id: everyDecision.decision.disagreementId }, { action: { kind: 'discard' }, supersedes: everyDecision.decision.id });
    expect(undoneDecision.status).toBe(409);
    expect(undoneDecision.body.error.code).toBe('not_decided');
  });

  it('a merge coding kept by the change as edited stays when the merge is undone, even once it reads as written again', async () => {
    const { documentId, url, mergeId, protectedTime, everyDecision } = await merged('Auto-merge edited');
    const patch = (codeId: string) => owner.api.patch(`${base(documentId)}/codings/${protectedTime.coding.id}`, { layer: 'consensus', codeId });
    expect((await patch(codes.barrier)).status).toBe(200);
    const changed = await decide(adjudicator, documentId, { id: protectedTime.decision.disagreementId }, { action: { kind: 'discard' }, supersedes: protectedTime.decision.id });
    expect(changed.body.superseded).toMatchObject({ removed: [], keptEdited: [protectedTime.coding.id] });
    // Edited back to exactly what the merge wrote: it is still no longer the merge's to take back.
    expect((await patch(codes.enabler)).status).toBe(200);

    const undone = (await adjudicator.api.post(`${url}/${mergeId}/undo`)).body;
    expect(undone).toMatchObject({ removed: [everyDecision.coding.id], keptEdited: [], alreadyRemoved: [], supersededDecisions: [protectedTime.decision.id] });
    expect((await consensus(documentId)).map((coding) => coding.id)).toEqual([protectedTime.coding.id]);
  });
});
