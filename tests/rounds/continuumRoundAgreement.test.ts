/**
 * A calibration round on the codings' own boundaries (unit `continuum`) through a real server: its
 * report gives per code the unitized (k)uα of shared/agreement run on the round's codings (its
 * transcripts laid end to end), before and after it closes, and its history charts that number
 * with no interval (SPEC R1, R4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgreementReport } from '../../shared/agreement/report';
import { computeUnitizedAgreement } from '../../shared/agreement/unitized/index';
import type { CodingView } from '../../shared/api/responses';
import { projectWithMembers, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const transcripts = [
  `Interviewer: What helps you in the group?
GP: Protected time helps most of all, and the data arrive in time.
Nurse: Funding is the real barrier here, and the paperwork too.`,
  `Interviewer: And what gets in the way?
GP: We meet every month and that works, but the forms take hours.
Nurse: Trust comes from keeping promises, even small ones.`,
];

describe('a calibration round on the codings’ own boundaries', () => {
  let server: TestServer;
  let owner: TestUser;
  let coderA: TestUser;
  let coderB: TestUser;
  let projectId: string;
  let documentIds: string[];
  let texts: string[];
  const codeIds: Record<string, string> = {};
  let roundId: string;

  const code = async (coder: TestUser, document: number, quote: string, codeName: string) => {
    const start = texts[document].indexOf(quote);
    expect(start).toBeGreaterThanOrEqual(0);
    const response = await coder.api.post(`/projects/${projectId}/documents/${documentIds[document]}/codings`, {
      codeId: codeIds[codeName],
      start,
      end: start + quote.length,
    });
    expect(response.status).toBe(201);
  };
  const roundReport = async (): Promise<AgreementReport> => {
    const response = await owner.api.get(`/projects/${projectId}/agreement?round=${roundId}&bootstrap=200&seed=3`);
    expect(response.status).toBe(200);
    return response.body;
  };

  /** The unitized engine on the round coders' codings as the REST API lists them, transcripts end to end. */
  const expectedKAlpha = async () => {
    const data: { coder: string; start: number; end: number; code: string }[] = [];
    let offset = 0;
    for (const [index, documentId] of documentIds.entries()) {
      for (const coder of [coderA, coderB]) {
        const codings = (await owner.api.get(`/projects/${projectId}/documents/${documentId}/codings?layer=${coder.id}`)).body as CodingView[];
        for (const coding of codings) {
          const name = Object.keys(codeIds).find((key) => codeIds[key] === coding.codeId) as string;
          data.push({ coder: coder.id, start: coding.start + offset, end: coding.end + offset, code: name });
        }
      }
      offset += texts[index].length;
    }
    return computeUnitizedAgreement({ continuum: { begin: 0, end: offset }, data }).statistics.k_u_alpha as Record<string, number | null>;
  };

  const expectKAlphaOf = (report: AgreementReport, expected: Record<string, number | null>) => {
    expect(report.byCode.map((entry) => entry.name).sort()).toEqual(Object.keys(expected).sort());
    for (const entry of report.byCode) {
      const value = expected[entry.name];
      if (value === null) expect(entry.unitizedKAlpha).toBeNull();
      else expect(entry.unitizedKAlpha).toBeCloseTo(value, 12);
    }
  };

  beforeAll(async () => {
    server = await startTestServer();
    const setup = await projectWithMembers(server, ['coder', 'coder'], { blind: true });
    owner = setup.owner;
    [coderA, coderB] = setup.members;
    projectId = setup.project.id;
    for (const name of ['Enabler', 'Barrier', 'Trust']) codeIds[name] = (await owner.api.post(`/projects/${projectId}/codes`, { name })).body.id;
    documentIds = [];
    texts = [];
    for (const [index, text] of transcripts.entries()) {
      const id = (await owner.api.post(`/projects/${projectId}/documents`, { title: `I${index + 1}`, text })).body.id;
      documentIds.push(id);
      texts.push((await owner.api.get(`/projects/${projectId}/documents/${id}`)).body.text);
    }
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('[R1] gives per code the unitized (k)uα of shared/agreement on the round’s codings, not its turn alpha', async () => {
    const created = await owner.api.post(`/projects/${projectId}/rounds`, {
      name: 'Boundaries',
      documentIds,
      coderIds: [coderA.id, coderB.id],
      unit: { kind: 'continuum' },
    });
    expect(created.status).toBe(201);
    expect(created.body.unit).toEqual({ kind: 'continuum' });
    roundId = created.body.id;

    // Same turns, different boundaries and codes; Trust is one coder's only, so its (k)uα is undefined.
    await code(coderA, 0, 'Protected time helps most of all', 'Enabler');
    await code(coderB, 0, 'Protected time', 'Enabler');
    await code(coderB, 0, 'the data arrive in time', 'Enabler');
    await code(coderA, 0, 'Funding is the real barrier here', 'Barrier');
    await code(coderB, 0, 'Funding is the real barrier here, and the paperwork too', 'Barrier');
    await code(coderA, 1, 'We meet every month and that works', 'Enabler');
    await code(coderB, 1, 'We meet every month', 'Enabler');
    await code(coderB, 1, 'the forms take hours', 'Barrier');
    await code(coderA, 1, 'the forms take hours', 'Enabler');
    await code(coderA, 1, 'Trust comes from keeping promises', 'Trust');

    const report = await roundReport();
    const expected = await expectedKAlpha();
    expect(Object.values(expected).filter((value) => value !== null)).toHaveLength(2);
    expect(expected.Trust).toBeNull();
    expectKAlphaOf(report, expected);
    // The coded-unit part is over speaker turns and is another number: a report giving it as (k)uα would fail above.
    expect(report.unit).toEqual({ kind: 'turn' });
    const enabler = report.byCode.find((entry) => entry.name === 'Enabler');
    expect(enabler?.statistics.kripp_alpha_nominal).not.toBeCloseTo(expected.Enabler as number, 6);
  });

  it('[R1] keeps giving the (k)uα of the codings it froze once closed, whatever is coded later', async () => {
    const expected = await expectedKAlpha();
    expect((await owner.api.post(`/projects/${projectId}/rounds/${roundId}/close`, { reveal: true })).status).toBe(200);
    await code(coderB, 1, 'Trust comes from keeping promises, even small ones', 'Trust');
    await code(coderA, 0, 'the paperwork too', 'Barrier');
    const later = await expectedKAlpha();
    expect(later.Trust).not.toBeNull();
    expectKAlphaOf(await roundReport(), expected);
  });

  it('[R4] its history charts per code the (k)uα of its report, with no interval', async () => {
    const report = await roundReport();
    const history = (await owner.api.get(`/projects/${projectId}/rounds/history?bootstrap=200&seed=3`)).body;
    expect(history.rounds.map((round: { roundId: string }) => round.roundId)).toEqual([roundId]);
    for (const entry of report.byCode) {
      const line = history.codes.find((candidate: { codeId: string }) => candidate.codeId === entry.codeId);
      expect(line.points).toEqual([expect.objectContaining({ roundId, alpha: entry.unitizedKAlpha, interval: null })]);
    }
  });
});
