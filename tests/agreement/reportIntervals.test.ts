/**
 * The project report's alpha interval: units by default, the Hayes & Krippendorff interval when
 * asked, the methods paragraph saying which; and a report over one coder saying once why nothing
 * was measured.
 */
import { describe, expect, it } from 'vitest';
import { agreementReport, type ReportDocument } from '../../shared/agreement/report';

/** 40 speaker turns of 20 characters; three coders apply "cost" and "trust" to most turns alike. */
function documents(): ReportDocument[] {
  const turns = Array.from({ length: 40 }, (_, turn) => ({ start: turn * 20, end: turn * 20 + 19 }));
  const codings = [];
  for (const [turn, range] of turns.entries()) {
    const code = turn % 3 === 0 ? 'trust' : 'cost';
    for (const coder of ['ana', 'ben', 'cy']) {
      // Ben disagrees on every seventh turn, Cy leaves every ninth out.
      if (coder === 'cy' && turn % 9 === 0) continue;
      const applied = coder === 'ben' && turn % 7 === 0 ? (code === 'cost' ? 'trust' : 'cost') : code;
      codings.push({ coder, codeId: applied, start: range.start + 2, end: range.end - 2 });
    }
  }
  return [{ id: 'd1', title: 'Interview 1', attributes: {}, text: 'x'.repeat(800), turns, codings }];
}

const codes = [
  { id: 'cost', name: 'Cost', parentId: null },
  { id: 'trust', name: 'Trust', parentId: null },
];

describe('agreement report intervals', () => {
  it('resamples units for alpha by default and says so in the methods paragraph', () => {
    const report = agreementReport(documents(), { unit: { kind: 'turn' }, coders: ['ana', 'ben', 'cy'], codes, bootstrap: { draws: 200, seed: 5 } });
    const interval = report.overall.intervals.kripp_alpha_nominal;
    expect(interval.method).toBe('unit_resampling');
    expect(report.byCode[0].intervals.kripp_alpha_nominal.method).toBe('unit_resampling');
    expect(report.methodsText).toContain(`95% bootstrap percentile interval ${interval.lower.toFixed(3)}–${interval.upper.toFixed(3)} over the 40 units, 200 resamples, seed 5`);
    const q = interval.probabilityBelow?.['0.667'];
    expect(q).toBeTypeOf('number');
    expect(report.methodsText).toContain(`the probability of alpha below .667 was ${Number(q).toFixed(3)}`);
    expect(report.methodsText).not.toContain('Hayes');
  });

  it('uses the Hayes & Krippendorff interval when asked, labels it and says what it assumes', () => {
    const report = agreementReport(documents(), {
      unit: { kind: 'turn' },
      coders: ['ana', 'ben', 'cy'],
      codes,
      bootstrap: { draws: 200, seed: 5, alphaMethod: 'hayes_krippendorff' },
    });
    const interval = report.overall.intervals.kripp_alpha_nominal;
    expect(interval.method).toBe('hayes_krippendorff_pairs');
    expect(interval.probabilityBelow).toBeDefined();
    expect(report.overall.intervals.gwet_ac1.method).toBe('unit_resampling');
    expect(report.methodsText).toContain('over the pairable values with expected disagreement held fixed, after Hayes & Krippendorff 2007, 200 resamples, seed 5');
    expect(report.methodsText).toContain('treats the pairs of values within a unit as independent');
  });

  it('with one coder says too_few_coders once, for the whole report, and the methods paragraph says the same', () => {
    const report = agreementReport(documents(), { unit: { kind: 'turn' }, coders: ['ana'], coderNames: { ana: 'Ana Lima' }, codes, groupBy: 'role' });
    const tooFew = report.diagnostics.filter((item) => item.kind === 'too_few_coders');
    expect(tooFew).toEqual([
      expect.objectContaining({ severity: 'error', value: 1, about: { kind: 'overall' }, message: expect.stringContaining('at least two coders; only Ana Lima was selected') }),
    ]);
    expect(report.overall.statistics.kripp_alpha_nominal).toBeNull();
    expect(report.byCoderPair).toEqual([]);
    expect(report.methodsText).toBe(
      'Intercoder agreement needs codings from at least two coders; only Ana Lima was selected, so it could not be assessed on the 1 selected transcript. Computed with cocode.',
    );
  });
});
