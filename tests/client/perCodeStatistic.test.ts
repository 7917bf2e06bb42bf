/**
 * Which per-code number heads the Agreement tab and the saved report: (k)uα for a round on the
 * codings' own boundaries, the number its round history charts (SPEC R4), Krippendorff's α over
 * the coded units otherwise. The chart's bars, the table's order and the methods paragraph all
 * come from these functions.
 */
import { describe, expect, it } from 'vitest';
import { methodsParagraph, perCodeStatisticOf, perCodeValue, sortByHeadline, undefinedKAlphaReason } from '../../client/src/features/agreement/perCodeStatistic';
import { alphaBars } from '../../client/src/features/agreement/reportParts';
import { continuumRoundReport as report } from './continuumRoundReport';

const byName = (name: string) => {
  const code = report.byCode.find((entry) => entry.name === name);
  if (!code) throw new Error(`no code ${name}`);
  return code;
};

describe('the per-code statistic of a report', () => {
  it('is (k)uα for a continuum round and alpha for every other round unit and for a report chosen by hand', () => {
    expect(perCodeStatisticOf({ kind: 'continuum' })).toBe('k_u_alpha');
    for (const unit of [{ kind: 'turn' }, { kind: 'sentence' }, { kind: 'paragraph' }, { kind: 'document' }, { kind: 'window', size: 200 }] as const)
      expect(perCodeStatisticOf(unit)).toBe('kripp_alpha_nominal');
    expect(perCodeStatisticOf(null)).toBe('kripp_alpha_nominal');
    expect(perCodeStatisticOf(undefined)).toBe('kripp_alpha_nominal');
  });

  it('draws a continuum round’s bars from unitizedKAlpha, with no interval although the turn values have one', () => {
    // The fixture's two statistics disagree, so bars from the wrong one would fail here.
    expect(byName('Cost').statistics.kripp_alpha_nominal).not.toBeCloseTo(byName('Cost').unitizedKAlpha as number, 3);
    expect(byName('Cost').intervals.kripp_alpha_nominal).toBeDefined();
    const bars = alphaBars(report.byCode, 'k_u_alpha');
    expect(bars).toEqual(report.byCode.map((code) => ({ id: code.codeId, name: code.name, alpha: code.unitizedKAlpha, interval: null })));
    expect(bars.find((bar) => bar.name === 'Rare')?.alpha).toBeNull();
  });

  it('draws a turn report’s bars from kripp_alpha_nominal with its bootstrap interval', () => {
    const bars = alphaBars(report.byCode, 'kripp_alpha_nominal');
    expect(bars).toEqual(
      report.byCode.map((code) => ({
        id: code.codeId,
        name: code.name,
        alpha: code.statistics.kripp_alpha_nominal,
        interval: { lower: code.intervals.kripp_alpha_nominal.lower, upper: code.intervals.kripp_alpha_nominal.upper },
      })),
    );
    expect(perCodeValue(byName('Trust'), 'kripp_alpha_nominal').alpha).toBe(byName('Trust').statistics.kripp_alpha_nominal);
  });

  it('sorts the table by the headline statistic, undefined values last in either direction', () => {
    const names = (statistic: 'k_u_alpha' | 'kripp_alpha_nominal', direction: 'ascending' | 'descending') =>
      sortByHeadline(report.byCode, statistic, direction).map((code) => code.name);
    expect(names('k_u_alpha', 'ascending')).toEqual(['Time', 'Cost', 'Trust', 'Rare']);
    expect(names('k_u_alpha', 'descending')).toEqual(['Trust', 'Cost', 'Time', 'Rare']);
    expect(names('kripp_alpha_nominal', 'ascending')).toEqual(['Time', 'Rare', 'Trust', 'Cost']);
  });

  it('finds why a code’s (k)uα is undefined among the unitized diagnostics', () => {
    expect(undefinedKAlphaReason(report.diagnostics, 'Rare')?.message).toMatch(/^\(k\)uα of "Rare" is undefined/);
    expect(undefinedKAlphaReason(report.diagnostics, 'Cost')).toBeUndefined();
  });
});

describe('the methods paragraph', () => {
  it('is the server’s paragraph as it is for a report on coded units', () => {
    expect(methodsParagraph(report, 'kripp_alpha_nominal')).toBe(report.methodsText);
  });

  it('of a continuum round opens with (k)uα per code, its range and undefined codes, no interval, then the server’s paragraph', () => {
    const text = methodsParagraph(report, 'k_u_alpha');
    const low = (byName('Time').unitizedKAlpha as number).toFixed(3);
    const high = (byName('Trust').unitizedKAlpha as number).toFixed(3);
    expect(text).toMatch(/^In this calibration round agreement was measured on the codings' own boundaries/);
    expect(text).toContain(`unitized (k)uα (Krippendorff et al. 2016)`);
    expect(text).toContain(`it ranged from ${low} (Time) to ${high} (Trust), and was undefined for 1 code. No confidence interval is reported for (k)uα.`);
    expect(text).toContain('The coded-unit statistics that follow are secondary, computed over speaker turns.');
    expect(text.endsWith(` ${report.methodsText}`)).toBe(true);
  });

  it('of a continuum round names one value once: for one code, for codes that all have it, or undefined for all', () => {
    const withKAlphas = (values: (number | null)[]) => ({ ...report, byCode: report.byCode.map((code, index) => ({ ...code, unitizedKAlpha: values[index] })) });
    expect(methodsParagraph(withKAlphas([0.9, null, null, null]), 'k_u_alpha')).toContain('; it was 0.900 for Cost, and was undefined for 3 codes.');
    expect(methodsParagraph(withKAlphas([1, 1, 1, 1]), 'k_u_alpha')).toContain('; it was 1.000 for each of 4 codes.');
    expect(methodsParagraph(withKAlphas([null, null, null, null]), 'k_u_alpha')).toContain('; it was undefined for every code.');
  });
});
