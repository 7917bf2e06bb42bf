/**
 * A round's disagreement navigator orders "lowest-agreement code first" by the per-code number the
 * round's report shows (SPEC Q1, R4): (k)uα for a round on the codings' own boundaries, alpha over
 * its units otherwise. The codings are built so that the coders' overlap per code (the order of a
 * navigator on live layers), the round report's (k)uα and its turn alpha rank the codes three
 * different ways. The passages, their ids and revisions are the same whichever order lists them,
 * and the order follows the round's codings as they change, until the round closes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementReport } from '../../../shared/agreement/report';
import type { DisagreementList } from '../../../shared/api/reconciliation';
import { projectWithMembers, startTestServer, type TestServer, type TestUser } from '../../helpers/server';

const transcript = `Interviewer: What helps you lead in the group?
GP: Protected time, mostly. Two sessions a week are funded by the board.
Interviewer: And what gets in the way?
GP: The paperwork. Every decision needs three sign-offs from the trust.
Interviewer: Anything else?
GP: Meetings run late and nobody keeps the minutes, so the same points come back.`;

let server: TestServer;
let owner: TestUser;
let adjudicator: TestUser;
let coderA: TestUser;
let coderB: TestUser;
let projectId: string;
let documentId: string;
let text: string;
const codeIds: Record<string, string> = {};
const roundIds: Record<'continuum' | 'turn', string> = { continuum: '', turn: '' };
const codingIds: Record<string, string> = {};

async function code(coder: TestUser, quote: string, codeName: string): Promise<string> {
  const start = text.indexOf(quote);
  expect(start).toBeGreaterThanOrEqual(0);
  const response = await coder.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId: codeIds[codeName], start, end: start + quote.length });
  expect(response.status).toBe(201);
  return response.body.id;
}

async function navigator(scope: string): Promise<DisagreementList> {
  const response = await adjudicator.api.get(`/projects/${projectId}/documents/${documentId}/disagreements${scope}`);
  expect(response.status).toBe(200);
  return response.body;
}

async function roundReport(kind: 'continuum' | 'turn'): Promise<AgreementReport> {
  const response = await owner.api.get(`/projects/${projectId}/agreement?round=${roundIds[kind]}`);
  expect(response.status).toBe(200);
  return response.body;
}

const nameOf = (codeId: string) => Object.keys(codeIds).find((name) => codeIds[name] === codeId);
const codeOrder = (list: DisagreementList) => list.codes.map((standing) => nameOf(standing.codeId));
const passageOrder = (list: DisagreementList) => list.disagreements.map((passage) => passage.text);
/** The report's per-code number of the round's headline statistic, by code id. */
const headlineValues = (report: AgreementReport) =>
  Object.fromEntries(report.byCode.map((entry) => [entry.codeId, report.headline === 'unitized' ? entry.unitizedKAlpha : (entry.statistics.kripp_alpha_nominal ?? null)]));

/** The codes as the navigator must rank them on these values: lowest first, unknown last, then most codings, then id. */
function expectedOrder(list: DisagreementList, values: Record<string, number | null>): (string | undefined)[] {
  return [...list.codes]
    .sort((a, b) => {
      const x = values[a.codeId] ?? null;
      const y = values[b.codeId] ?? null;
      return Number(x === null) - Number(y === null) || (x ?? 0) - (y ?? 0) || b.codings - a.codings || (a.codeId < b.codeId ? -1 : 1);
    })
    .map((standing) => nameOf(standing.codeId));
}

function expectOrderedBy(list: DisagreementList, report: AgreementReport) {
  const values = headlineValues(report);
  for (const standing of list.codes) {
    expect(standing.agreementSource).toBe('given');
    expect(standing.agreement).toBe(values[standing.codeId] ?? null);
  }
  expect(codeOrder(list)).toEqual(expectedOrder(list, values));
}

beforeAll(async () => {
  server = await startTestServer();
  const setup = await projectWithMembers(server, ['adjudicator', 'coder', 'coder'], { blind: true });
  owner = setup.owner;
  [adjudicator, coderA, coderB] = setup.members;
  projectId = setup.project.id;
  for (const name of ['Enabler', 'Barrier', 'Time']) codeIds[name] = (await owner.api.post(`/projects/${projectId}/codes`, { name })).body.id;
  documentId = (await owner.api.post(`/projects/${projectId}/documents`, { title: 'Interview', text: transcript })).body.id;
  text = (await owner.api.get(`/projects/${projectId}/documents/${documentId}`)).body.text;
  for (const kind of ['continuum', 'turn'] as const) {
    const created = await owner.api.post(`/projects/${projectId}/rounds`, { name: `By ${kind}`, documentIds: [documentId], coderIds: [coderA.id, coderB.id], unit: { kind } });
    expect(created.status).toBe(201);
    roundIds[kind] = created.body.id;
  }
  // Barrier: the same turn, other boundaries (little overlap, but (k)uα and alpha of 1). Enabler and
  // Time: one stretch one coder calls Enabler and the other Time (lowering both (k)uα), and one
  // coder's Enabler in a turn the other left uncoded (lowering Enabler's turn alpha, not its (k)uα).
  await code(coderA, 'Protected time, mostly. Two sessions a week are funded by the board.', 'Enabler');
  await code(coderB, 'Protected time, mostly. Two sessions a week are funded by the board.', 'Enabler');
  await code(coderA, 'Meetings run late and nobody keeps the minutes, so the same points come back.', 'Enabler');
  await code(coderB, 'Meetings run late and nobody keeps the minutes, so the same points come back.', 'Enabler');
  codingIds.enablerElse = await code(coderA, 'Anything else?', 'Enabler');
  codingIds.timeElse = await code(coderB, 'Anything else?', 'Time');
  await code(coderA, 'The paperwork', 'Barrier');
  await code(coderB, 'The paperwork. Every decision', 'Barrier');
  await code(coderA, 'What helps you lead', 'Time');
  await code(coderB, 'What helps you lead', 'Time');
  await code(coderA, 'three sign-offs from the trust', 'Enabler');
});

afterAll(async () => {
  await server.dispose();
});

describe('[Q1] a round’s navigator', () => {
  it('orders a continuum round’s codes by the (k)uα of its report, and a turn round’s by its alpha, where the coders’ overlap orders them otherwise', async () => {
    const live = await navigator(`?coders=${coderA.id},${coderB.id}`);
    const continuum = await navigator(`?round=${roundIds.continuum}`);
    const turn = await navigator(`?round=${roundIds.turn}`);
    expect(live.codes.every((standing) => standing.agreementSource === 'computed')).toBe(true);
    // Three statistics, three orders: a navigator ordering by the wrong one fails below.
    expect(codeOrder(live)).toEqual(['Barrier', 'Time', 'Enabler']);
    expect(codeOrder(continuum)).toEqual(['Time', 'Enabler', 'Barrier']);
    expect(codeOrder(turn)).toEqual(['Enabler', 'Time', 'Barrier']);
    expectOrderedBy(continuum, await roundReport('continuum'));
    expectOrderedBy(turn, await roundReport('turn'));
    expect(passageOrder(live)).toEqual(['The paperwork. Every decision', 'Anything else?', 'three sign-offs from the trust']);
    expect(passageOrder(continuum)).toEqual(['Anything else?', 'three sign-offs from the trust', 'The paperwork. Every decision']);
    expect(passageOrder(turn)).toEqual(['three sign-offs from the trust', 'Anything else?', 'The paperwork. Every decision']);
  });

  it('lists the same passages with the same ids, revisions and labels whichever order it uses', async () => {
    const identity = (list: DisagreementList) =>
      list.disagreements.map((passage) => ({ id: passage.id, revision: passage.revision, kinds: passage.kinds, start: passage.start, end: passage.end })).sort((a, b) => a.start - b.start);
    const live = identity(await navigator(`?coders=${coderA.id},${coderB.id}`));
    expect(live).toHaveLength(3);
    expect(identity(await navigator(`?round=${roundIds.continuum}`))).toEqual(live);
    expect(identity(await navigator(`?round=${roundIds.turn}`))).toEqual(live);
  });

  it('follows an open round’s codings as they change: a removed coding, then an added one', async () => {
    const before = headlineValues(await roundReport('continuum'));
    expectOrderedBy(await navigator(`?round=${roundIds.continuum}`), await roundReport('continuum'));
    // A removal alone leaves every state vector as it was: the navigator must still see it.
    const removed = await coderB.api.delete(`/projects/${projectId}/documents/${documentId}/codings/${codingIds.timeElse}`);
    expect(removed.status).toBeLessThan(300);
    const afterRemoval = await roundReport('continuum');
    expect(headlineValues(afterRemoval)).not.toEqual(before);
    expectOrderedBy(await navigator(`?round=${roundIds.continuum}`), afterRemoval);
    expectOrderedBy(await navigator(`?round=${roundIds.turn}`), await roundReport('turn'));
    await code(coderB, 'Two sessions a week', 'Time');
    const afterAddition = await roundReport('continuum');
    expect(headlineValues(afterAddition)).not.toEqual(headlineValues(afterRemoval));
    expectOrderedBy(await navigator(`?round=${roundIds.continuum}`), afterAddition);
    expectOrderedBy(await navigator(`?round=${roundIds.turn}`), await roundReport('turn'));
  });

  it('keeps the order of what a closed round froze, whatever is coded later', async () => {
    expect((await owner.api.post(`/projects/${projectId}/rounds/${roundIds.continuum}/close`, { reveal: false })).status).toBe(200);
    const atClose = await roundReport('continuum');
    const order = codeOrder(await navigator(`?round=${roundIds.continuum}`));
    await code(coderB, 'nobody keeps the minutes', 'Barrier');
    await code(coderA, 'Two sessions a week', 'Time');
    const closed = await navigator(`?round=${roundIds.continuum}`);
    expect(headlineValues(await roundReport('continuum'))).toEqual(headlineValues(atClose));
    expectOrderedBy(closed, atClose);
    expect(codeOrder(closed)).toEqual(order);
    // The open turn round sees the new codings, and orders by its report on them.
    const turnReport = await roundReport('turn');
    expect(turnReport.byCode.find((entry) => entry.name === 'Barrier')?.usesByCoder[coderB.id]).toBe(2);
    expectOrderedBy(await navigator(`?round=${roundIds.turn}`), turnReport);
  });
});
