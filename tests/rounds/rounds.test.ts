/**
 * Calibration rounds through a real server (SPEC R1–R4): created by the owner, coded blind,
 * submitted by each coder for themselves, closed onto frozen documents, revealed to the round's
 * coders for the round's transcripts only, and charted across rounds with the codebook versions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { defaultLimits } from '../../server/config';
import { closeCodes } from '../../shared/collab/closeCodes';
import { documentNames } from '../../shared/collab/documentNames';
import { patchCode } from '../../shared/collab/schema';
import { eventually } from '../helpers/poll';
import { connectProvider, openOutcome } from '../helpers/providers';
import { projectWithMembers, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const transcript = `Interviewer: What helps you in the group?
GP: Protected time helps most of all.
Nurse: The data arrive far too late for us.
GP: We meet every month and that works.
Nurse: Funding is the real barrier here.`;

const bootstrap = 'bootstrap=200&seed=3';

describe('calibration rounds', () => {
  let server: TestServer;
  let owner: TestUser;
  let adjudicator: TestUser;
  let coderA: TestUser;
  let coderB: TestUser;
  let outsider: TestUser;
  let viewer: TestUser;
  let projectId: string;
  let inRound: string[];
  let notInRound: string;
  let enabler: string;
  let barrier: string;
  let roundId: string;
  /** The canonical text (SPEC C1) every transcript here has: offsets are in it. */
  let text: string;
  const sockets: { terminate(): void }[] = [];

  const code = async (coder: TestUser, documentId: string, quote: string, codeId = enabler) => {
    const start = text.indexOf(quote);
    expect(start).toBeGreaterThanOrEqual(0);
    const response = await coder.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId, start, end: start + quote.length });
    expect(response.status).toBe(201);
  };
  const roundsUrl = () => `/projects/${projectId}/rounds`;

  beforeAll(async () => {
    server = await startTestServer({ limits: { ...defaultLimits, codebookEditVersionDebounceMs: 150 } });
    const setup = await projectWithMembers(server, ['adjudicator', 'coder', 'coder', 'coder', 'viewer'], { blind: true });
    owner = setup.owner;
    [adjudicator, coderA, coderB, outsider, viewer] = setup.members;
    projectId = setup.project.id;
    enabler = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Enabler', definition: 'What makes leading easier' })).body.id;
    barrier = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Barrier' })).body.id;
    const documentIds: string[] = [];
    for (const title of ['I1', 'I2', 'I3'])
      documentIds.push((await owner.api.post(`/projects/${projectId}/documents`, { title, text: transcript })).body.id);
    text = (await owner.api.get(`/projects/${projectId}/documents/${documentIds[0]}`)).body.text;
    inRound = documentIds.slice(0, 2);
    notInRound = documentIds[2];
  });
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await server.dispose();
  });

  it('[R1] refuses a round from a non-owner, with unknown transcripts or coders, or a viewer as coder, and writes nothing', async () => {
    const valid = { name: 'Pilot', documentIds: inRound, coderIds: [coderA.id, coderB.id], codeIds: [enabler] };
    const refusals: [TestUser, object, number, string][] = [
      [coderA, valid, 403, 'forbidden'],
      [adjudicator, valid, 403, 'forbidden'],
      [owner, { ...valid, documentIds: [inRound[0], 'no-such-transcript'] }, 400, 'unknown_document'],
      [owner, { ...valid, coderIds: [coderA.id, 'no-such-user'] }, 400, 'unknown_coder'],
      [owner, { ...valid, coderIds: [coderA.id, viewer.id] }, 400, 'not_a_coder'],
      [owner, { ...valid, coderIds: [coderA.id, coderA.id] }, 400, 'duplicate_coder'],
      [owner, { ...valid, coderIds: [coderA.id] }, 400, 'validation_failed'],
      [owner, { ...valid, codeIds: ['no-such-code'] }, 400, 'unknown_code'],
      [owner, { ...valid, unit: { kind: 'stanza' } }, 400, 'validation_failed'],
      [owner, { ...valid, targetAlpha: 1.5 }, 400, 'validation_failed'],
    ];
    for (const [who, body, status, errorCode] of refusals) {
      const response = await who.api.post(roundsUrl(), body);
      expect([response.status, response.body.error?.code]).toEqual([status, errorCode]);
    }
    expect((await owner.api.get(roundsUrl())).body).toEqual([]);
    expect((await owner.api.post(`/projects/${projectId}/rounds`, valid)).status).toBe(201);
    const [round] = (await owner.api.get(roundsUrl())).body;
    expect(round).toMatchObject({ status: 'open', targetAlpha: 0.8, unit: { kind: 'turn' }, codeIds: [enabler], submitted: 0, revealed: false });
    expect(round.codebookVersionAtCreation).toEqual(expect.any(Number));
    roundId = round.id;
  });

  it('[R2] coders code blind and submit for themselves; coders see only how many submitted, outsiders see no round', async () => {
    await code(coderA, inRound[0], 'What helps');
    await code(coderA, inRound[0], 'Protected time');
    await code(coderA, inRound[1], 'We meet every month');
    await code(coderB, inRound[0], 'Protected time');
    await code(coderB, inRound[0], 'data arrive');
    await code(coderB, inRound[1], 'We meet every month');
    await code(coderB, notInRound, 'Funding');

    const submitted = await coderA.api.post(`${roundsUrl()}/${roundId}/submit`, {});
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ submitted: 1, submittedByMe: true });
    const forSomeoneElse = await coderA.api.post(`${roundsUrl()}/${roundId}/submit`, { coderId: coderB.id });
    expect([forSomeoneElse.status, forSomeoneElse.body.error.code]).toEqual([403, 'own_submission_only']);
    expect((await coderA.api.post(`${roundsUrl()}/${roundId}/submit`, { submitted: false })).body.submitted).toBe(0);
    expect((await coderA.api.post(`${roundsUrl()}/${roundId}/submit`, { submitted: true })).body.submitted).toBe(1);

    const seenByB = (await coderB.api.get(`${roundsUrl()}/${roundId}`)).body;
    expect(seenByB).toMatchObject({ submitted: 1, submittedByMe: false });
    expect(seenByB).not.toHaveProperty('submissions');
    const seenByOwner = (await owner.api.get(`${roundsUrl()}/${roundId}`)).body;
    expect(seenByOwner.submissions).toEqual([
      { userId: coderA.id, submittedAt: expect.any(String) },
      { userId: coderB.id, submittedAt: null },
    ]);
    expect((await outsider.api.get(roundsUrl())).body).toEqual([]);
    expect((await outsider.api.get(`${roundsUrl()}/${roundId}`)).status).toBe(404);
    expect((await outsider.api.post(`${roundsUrl()}/${roundId}/submit`, {})).status).toBe(404);

    // [A3] the progress table still shows a blind coder their own counts only.
    const progress = (await coderA.api.get(`/projects/${projectId}/progress`)).body as { coderId: string }[];
    expect(new Set(progress.map((row) => row.coderId))).toEqual(new Set([coderA.id]));

    const early = await coderA.api.get(`/projects/${projectId}/agreement?round=${roundId}`);
    expect([early.status, early.body.error.code]).toEqual([403, 'round_not_revealed']);
    expect((await owner.api.get(`/projects/${projectId}/agreement?round=${roundId}`)).status).toBe(200);
    const mixed = await owner.api.get(`/projects/${projectId}/agreement?round=${roundId}&unit=sentence`);
    expect([mixed.status, mixed.body.error.code]).toEqual([400, 'invalid_parameter']);
    expect((await owner.api.get(`/projects/${projectId}/agreement?round=no-such-round`)).status).toBe(404);
  });

  it('[R1] closing freezes the round: later edits leave its numbers alone; a second close and late submissions are refused', async () => {
    const roundReport = async () => (await owner.api.get(`/projects/${projectId}/agreement?round=${roundId}&${bootstrap}`)).body;
    const before = await roundReport();
    expect(before.documents.map((document: { id: string }) => document.id)).toEqual(inRound);
    expect(before.byCode.map((entry: { codeId: string }) => entry.codeId)).toEqual([enabler]);

    const byCoder = await coderA.api.post(`${roundsUrl()}/${roundId}/close`, {});
    expect([byCoder.status, byCoder.body.error.code]).toEqual([403, 'forbidden']);
    const closed = await owner.api.post(`${roundsUrl()}/${roundId}/close`, { reveal: false });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', revealed: false, codebookVersionAtClose: expect.any(Number) });
    const frozen = await server.storage.relational.getFrozenStates(roundId);
    expect(frozen.map((state) => state.documentName).sort()).toEqual(
      inRound.flatMap((id) => [documentNames.transcript(id), documentNames.layer(id, coderA.id), documentNames.layer(id, coderB.id)]).sort(),
    );
    const again = await owner.api.post(`${roundsUrl()}/${roundId}/close`, { reveal: true });
    expect([again.status, again.body.error.code]).toEqual([409, 'round_closed']);
    expect(await server.storage.relational.getFrozenStates(roundId)).toEqual(frozen);
    expect((await owner.api.get(`${roundsUrl()}/${roundId}`)).body.revealed).toBe(false);
    const late = await coderB.api.post(`${roundsUrl()}/${roundId}/submit`, {});
    expect([late.status, late.body.error.code]).toEqual([409, 'round_closed']);

    // Edits after the close: new codings, and the code renamed.
    await code(coderA, inRound[1], 'Funding is the real barrier');
    await code(coderB, inRound[0], 'What helps');
    await owner.api.patch(`/projects/${projectId}/codes/${enabler}`, { name: 'Facilitator' });
    const after = await roundReport();
    expect(after.byCode).toEqual(before.byCode);
    expect(after.overall).toEqual(before.overall);
    const live = (await owner.api.get(`/projects/${projectId}/agreement?documents=${inRound.join(',')}&coders=${coderA.id},${coderB.id}&${bootstrap}`)).body;
    expect(live.byCode.find((entry: { codeId: string }) => entry.codeId === enabler).statistics).not.toEqual(before.byCode[0].statistics);
  });

  it("[R3] a reveal opens the round coders' layers of the round's transcripts only, over REST and websocket; hiding again closes open connections", async () => {
    const layerUrl = (documentId: string, coder: TestUser) => `/projects/${projectId}/documents/${documentId}/codings?layer=${coder.id}`;
    expect((await coderA.api.get(layerUrl(inRound[0], coderB))).status).toBe(403);
    expect((await openOutcome(server.wsUrl, documentNames.layer(inRound[0], coderB.id), coderA.token)).ok).toBe(false);

    const byCoder = await coderA.api.post(`${roundsUrl()}/${roundId}/reveal`, {});
    expect([byCoder.status, byCoder.body.error.code]).toEqual([403, 'forbidden']);
    expect((await owner.api.post(`${roundsUrl()}/${roundId}/reveal`, {})).body.revealed).toBe(true);

    const revealed = await coderA.api.get(layerUrl(inRound[0], coderB));
    expect(revealed.status).toBe(200);
    expect(revealed.body.map((coding: { text: string }) => coding.text)).toContain('data arrive');
    const all = (await coderA.api.get(`/projects/${projectId}/documents/${inRound[1]}/codings?layer=all`)).body as { coder: string }[];
    expect(new Set(all.map((coding) => coding.coder))).toEqual(new Set([coderA.id, coderB.id]));
    const overWebsocket = await openOutcome(server.wsUrl, documentNames.layer(inRound[0], coderB.id), coderA.token);
    expect(overWebsocket.ok).toBe(true);
    const overYjs = new WebSocket(`${server.url.replace(/^http/, 'ws')}/yjs/${documentNames.layer(inRound[1], coderB.id)}?token=${coderA.token}`);
    overYjs.on('error', () => {});
    sockets.push(overYjs);
    await new Promise((resolve) => overYjs.once('message', resolve));

    // Outside the round: another transcript, a coder not in the round, the consensus layer.
    expect((await coderA.api.get(layerUrl(notInRound, coderB))).status).toBe(403);
    expect((await openOutcome(server.wsUrl, documentNames.layer(notInRound, coderB.id), coderA.token)).ok).toBe(false);
    expect((await outsider.api.get(layerUrl(inRound[0], coderA))).status).toBe(403);
    expect((await openOutcome(server.wsUrl, documentNames.layer(inRound[0], coderA.id), outsider.token)).ok).toBe(false);
    expect((await coderA.api.get(`/projects/${projectId}/documents/${inRound[0]}/codings?layer=consensus`)).status).toBe(403);

    expect((await coderA.api.get(`/projects/${projectId}/agreement?round=${roundId}`)).status).toBe(200);
    const forOutsider = await outsider.api.get(`/projects/${projectId}/agreement?round=${roundId}`);
    expect(forOutsider.status).toBe(403);

    // Hiding the round again re-checks open connections of both protocols at once (SPEC A3).
    const yjsClosed = new Promise<number>((resolve) => overYjs.once('close', (code) => resolve(code)));
    const name = documentNames.layer(inRound[0], coderB.id);
    const connectedOnServer = () => (server.hocuspocus.documents.get(name)?.getConnections() ?? []).some((c) => c.context?.user?.id === coderA.id);
    await eventually(() => expect(connectedOnServer()).toBe(true));
    expect((await owner.api.post(`${roundsUrl()}/${roundId}/reveal`, { revealed: false })).body.revealed).toBe(false);
    await eventually(() => expect(connectedOnServer()).toBe(false));
    expect(await yjsClosed).toBe(closeCodes.forbidden.code);
    if (overWebsocket.ok) overWebsocket.connection.destroy();
    expect((await coderA.api.get(layerUrl(inRound[0], coderB))).status).toBe(403);
    expect((await owner.api.post(`${roundsUrl()}/${roundId}/reveal`, {})).status).toBe(200);
  });

  it('[R4] the history gives each round the numbers of its report, the codebook version it used and what changed since', async () => {
    await owner.api.patch(`/projects/${projectId}/codes/${enabler}`, { definition: 'What makes leading the group easier' });
    const second = await owner.api.post(roundsUrl(), { name: 'Second', documentIds: [notInRound], coderIds: [coderA.id, coderB.id], unit: { kind: 'sentence' } });
    expect(second.status).toBe(201);
    await code(coderA, notInRound, 'Funding');
    await code(coderA, notInRound, 'real barrier', barrier);
    await code(coderB, notInRound, 'real barrier', barrier);

    const history = await owner.api.get(`${roundsUrl()}/history?${bootstrap}`);
    expect(history.status).toBe(200);
    const [first, next] = history.body.rounds;
    expect(first).toMatchObject({ roundId, status: 'closed', changesSincePrevious: null, unavailable: null });
    expect(next).toMatchObject({ roundId: second.body.id, status: 'open', codebookVersion: second.body.codebookVersionAtCreation });
    // Both edits came after the first round closed.
    expect(next.changesSincePrevious.text).toEqual([
      'Renamed "Enabler" to "Facilitator"',
      'Changed the definition of "Facilitator": "What makes leading easier" → "What makes leading the group easier"',
    ]);
    for (const round of [roundId, second.body.id]) {
      const report = (await owner.api.get(`/projects/${projectId}/agreement?round=${round}&${bootstrap}`)).body;
      for (const entry of report.byCode) {
        const line = history.body.codes.find((candidate: { codeId: string }) => candidate.codeId === entry.codeId);
        const point = line.points.find((candidate: { roundId: string }) => candidate.roundId === round);
        expect(point.alpha).toBe(entry.statistics.kripp_alpha_nominal);
        expect(point.interval).toEqual({ lower: entry.intervals.kripp_alpha_nominal.lower, upper: entry.intervals.kripp_alpha_nominal.upper });
      }
    }
    // The first round's scope was one code: the other code has no point for it.
    const barrierLine = history.body.codes.find((line: { codeId: string }) => line.codeId === barrier);
    expect(barrierLine.points.map((point: { roundId: string }) => point.roundId)).toEqual([second.body.id]);

    // A coder sees the revealed round they coded in, not the open one.
    const forCoder = (await coderA.api.get(`${roundsUrl()}/history?${bootstrap}`)).body;
    expect(forCoder.rounds.map((round: { roundId: string }) => round.roundId)).toEqual([roundId]);
    expect((await outsider.api.get(`${roundsUrl()}/history?${bootstrap}`)).body.rounds).toEqual([]);
  });

  it('[R4] codebook versions record REST and websocket edits with their authors; diffs and a code history read right', async () => {
    const versionsUrl = `/projects/${projectId}/codebook/versions`;
    const before = (await owner.api.get(versionsUrl)).body as { id: number }[];
    const connection = connectProvider(server.wsUrl, documentNames.codebook(projectId), adjudicator.token);
    await connection.synced;
    patchCode(connection.doc, barrier, { name: 'Obstacle' });
    patchCode(connection.doc, barrier, { exclusion: 'Not money' });
    const versions = await eventually(async () => {
      const listed = (await owner.api.get(versionsUrl)).body as { id: number; authorId: string; source: string }[];
      expect(listed.length).toBe(before.length + 1);
      return listed;
    });
    connection.destroy();
    const latest = versions[versions.length - 1];
    expect(latest).toMatchObject({ authorId: adjudicator.id, authorName: 'adjudicator 0', source: 'websocket' });
    const diff = (await coderA.api.get(`${versionsUrl}/${latest.id}/diff`)).body;
    expect(diff.text).toEqual(['Renamed "Barrier" to "Obstacle"', 'Changed the exclusion criteria of "Obstacle": (empty) → "Not money"']);
    expect(diff.changes.map((change: { kind: string }) => change.kind)).toEqual(['renamed', 'changed']);

    const restVersions = versions.filter((version) => version.source === 'rest');
    expect(restVersions.every((version) => version.authorId === owner.id)).toBe(true);
    const fromFirst = (await owner.api.get(`${versionsUrl}/${latest.id}/diff?from=${versions[0].id}`)).body;
    expect(fromFirst.from).toBe(versions[0].id);
    expect(fromFirst.text).toContain('Renamed "Enabler" to "Facilitator"');

    const history = (await coderB.api.get(`/projects/${projectId}/codes/${barrier}/history`)).body as { text: string[]; authorId: string }[];
    expect(history.map((entry) => entry.text)).toEqual([
      ['Added "Barrier"'],
      ['Renamed "Barrier" to "Obstacle"', 'Changed the exclusion criteria of "Obstacle": (empty) → "Not money"'],
    ]);
    expect(history.map((entry) => entry.authorId)).toEqual([owner.id, adjudicator.id]);

    expect((await owner.api.get(`${versionsUrl}/999999/diff`)).status).toBe(404);
    const badFrom = await owner.api.get(`${versionsUrl}/${latest.id}/diff?from=999999`);
    expect([badFrom.status, badFrom.body.error.code]).toEqual([400, 'unknown_version']);
    expect((await owner.api.get(`${versionsUrl}/latest/diff`)).status).toBe(400);
    expect((await owner.api.get(`/projects/${projectId}/codes/no-such-code/history`)).status).toBe(404);
  });
});
