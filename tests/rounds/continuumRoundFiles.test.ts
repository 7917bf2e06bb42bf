/**
 * A continuum round's report through a real server says which statistic is the round's (SPEC R4):
 * the JSON has `headline: "unitized"` and the round's unit beside the turns of its secondary
 * statistics, its methods paragraph opens with (k)uα, and the per-code CSV's verdicts are those of
 * (k)uα under a header that names it. A turn round and a report chosen by hand stay headed by alpha.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perCodeCsv, reportFileName } from '../../client/src/features/agreement/exportFiles';
import { verdictFor } from '../../client/src/features/agreement/reading';
import type { AgreementReport } from '../../shared/agreement/report';
import { projectWithMembers, startTestServer, type TestServer, type TestUser } from '../helpers/server';

const transcript = `Interviewer: What helps you lead in the group?
GP: Protected time, mostly. Two sessions a week are funded by the board.
Interviewer: And what gets in the way?
GP: The paperwork. Every decision needs three sign-offs from the trust.
Interviewer: Anything else?
GP: Meetings run late and nobody keeps the minutes, so the same points come back.`;

/** The CSV as rows of named cells (no cell here holds a comma or a quote). */
function csvRows(csv: string): Record<string, string>[] {
  const [header, ...lines] = csv.trimEnd().split('\r\n').map((line) => line.split(','));
  return lines.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index]])));
}

describe('a continuum round’s report as JSON and CSV', () => {
  let server: TestServer;
  let owner: TestUser;
  let coderA: TestUser;
  let coderB: TestUser;
  let projectId: string;
  let documentId: string;
  const codeIds: Record<string, string> = {};
  const roundIds: Record<'continuum' | 'turn', string> = { continuum: '', turn: '' };

  const report = async (query: string): Promise<AgreementReport> => {
    const response = await owner.api.get(`/projects/${projectId}/agreement${query}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  beforeAll(async () => {
    server = await startTestServer();
    const setup = await projectWithMembers(server, ['coder', 'coder'], { blind: true });
    owner = setup.owner;
    [coderA, coderB] = setup.members;
    projectId = setup.project.id;
    for (const name of ['Enabler', 'Barrier', 'Time']) codeIds[name] = (await owner.api.post(`/projects/${projectId}/codes`, { name })).body.id;
    documentId = (await owner.api.post(`/projects/${projectId}/documents`, { title: 'Interview', text: transcript })).body.id;
    const text: string = (await owner.api.get(`/projects/${projectId}/documents/${documentId}`)).body.text;
    for (const kind of ['continuum', 'turn'] as const) {
      const created = await owner.api.post(`/projects/${projectId}/rounds`, { name: `Pilot ${kind}`, documentIds: [documentId], coderIds: [coderA.id, coderB.id], unit: { kind } });
      expect(created.status).toBe(201);
      roundIds[kind] = created.body.id;
    }
    // Enabler and Time: one stretch is Enabler to one coder and Time to the other, and one coder's
    // Enabler is in a turn the other left uncoded; Barrier: the same turn, other boundaries.
    const coded: [TestUser, string, string][] = [
      [coderA, 'Protected time, mostly. Two sessions a week are funded by the board.', 'Enabler'],
      [coderB, 'Protected time, mostly. Two sessions a week are funded by the board.', 'Enabler'],
      [coderA, 'Meetings run late and nobody keeps the minutes, so the same points come back.', 'Enabler'],
      [coderB, 'Meetings run late and nobody keeps the minutes, so the same points come back.', 'Enabler'],
      [coderA, 'Anything else?', 'Enabler'],
      [coderB, 'Anything else?', 'Time'],
      [coderA, 'The paperwork', 'Barrier'],
      [coderB, 'The paperwork. Every decision', 'Barrier'],
      [coderA, 'What helps you lead', 'Time'],
      [coderB, 'What helps you lead', 'Time'],
      [coderA, 'three sign-offs from the trust', 'Enabler'],
    ];
    for (const [coder, quote, code] of coded) {
      const start = text.indexOf(quote);
      expect(start).toBeGreaterThanOrEqual(0);
      const response = await coder.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId: codeIds[code], start, end: start + quote.length });
      expect(response.status).toBe(201);
    }
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('[R4] says in the JSON that (k)uα heads it, with the round’s unit beside the turns of its secondary statistics, and opens its methods paragraph with (k)uα', async () => {
    const round = await report(`?round=${roundIds.continuum}&bootstrap=200&seed=3`);
    expect(round.headline).toBe('unitized');
    expect(round.roundUnit).toEqual({ kind: 'continuum' });
    expect(round.unit).toEqual({ kind: 'turn' });
    expect(round.methodsText).toMatch(/^In this calibration round intercoder agreement was measured on the codings' own boundaries, with no units imposed/);
    expect(round.methodsText).toContain('No confidence interval is reported for (k)uα');
    expect(round.methodsText).toContain('Secondary to these, coded-unit statistics were computed over speaker turns');
    // The turn alpha still has its interval; it comes after (k)uα in the paragraph.
    const interval = round.overall.intervals.kripp_alpha_nominal;
    expect(round.methodsText.indexOf(`${interval.lower.toFixed(3)}–${interval.upper.toFixed(3)}`)).toBeGreaterThan(round.methodsText.indexOf('Secondary to these'));
  });

  it('[R4] gives in the CSV the verdict of (k)uα per code, under a header that names it, in a file named after the continuum', async () => {
    const round = await report(`?round=${roundIds.continuum}`);
    // On this coding the verdicts of the two statistics differ for some code, so verdicts of the turn alpha would fail here.
    expect(round.byCode.some((code) => verdictFor(code.unitizedKAlpha).level !== verdictFor(code.statistics.kripp_alpha_nominal).level)).toBe(true);
    const csv = perCodeCsv(round);
    const header = csv.split('\r\n')[0].split(',');
    expect(header).toContain('verdict_k_u_alpha');
    expect(header).not.toContain('verdict_kripp_alpha_nominal');
    expect(header).not.toContain('verdict');
    const rows = csvRows(csv);
    expect(rows.map((row) => row.code_id)).toEqual(round.byCode.map((code) => code.codeId));
    for (const code of round.byCode) {
      const row = rows.find((candidate) => candidate.code_id === code.codeId);
      expect(row?.verdict_k_u_alpha).toBe(verdictFor(code.unitizedKAlpha).level);
      expect(row?.k_u_alpha).toBe(code.unitizedKAlpha === null ? '' : String(code.unitizedKAlpha));
    }
    expect(reportFileName('Care study', round, 'csv', 'Pilot continuum')).toBe('care-study-agreement-pilot-continuum-continuum-per-code.csv');
    expect(reportFileName('Care study', round, 'json', 'Pilot')).toBe('care-study-agreement-pilot-continuum.json');
  });

  it('[R4] stays headed by alpha for a turn round and for a report chosen by hand, with the verdict of alpha', async () => {
    for (const [byTurn, roundUnit] of [
      [await report(`?round=${roundIds.turn}`), { kind: 'turn' }],
      [await report('?unit=turn'), undefined],
    ] as const) {
      expect(byTurn.headline).toBe('coded');
      expect(byTurn.roundUnit).toEqual(roundUnit);
      expect(byTurn.methodsText).toMatch(/^Intercoder agreement was assessed on 1 transcript coded independently by 2 coders/);
      const rows = csvRows(perCodeCsv(byTurn));
      for (const code of byTurn.byCode)
        expect(rows.find((row) => row.code_id === code.codeId)?.verdict_kripp_alpha_nominal).toBe(verdictFor(code.statistics.kripp_alpha_nominal).level);
      expect(reportFileName('Care study', byTurn, 'csv', roundUnit ? 'Pilot' : null)).toBe(`care-study-agreement${roundUnit ? '-pilot' : ''}-turn-per-code.csv`);
    }
  });
});
