/**
 * Which per-code number heads the Agreement tab and the saved report: (k)uα for a round on the
 * codings' own boundaries, the number its round history charts (SPEC R4), Krippendorff's α over
 * the coded units otherwise, as the report's headline says. The chart's bars and the table's order
 * come from these functions; the methods paragraph is the report's own (tests/agreement/unitizedHeadline.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { perCodeStatisticOf, perCodeValue, sortByHeadline, undefinedKAlphaReason } from '../../client/src/features/agreement/perCodeStatistic';
import { alphaBars } from '../../client/src/features/agreement/reportParts';
import { continuumRoundReport as report } from './continuumRoundReport';

const byName = (name: string) => {
  const code = report.byCode.find((entry) => entry.name === name);
  if (!code) throw new Error(`no code ${name}`);
  return code;
};

describe('the per-code statistic of a report', () => {
  it('is (k)uα for a report headed by the unitized statistic (a continuum round’s) and alpha for one headed by coded units', () => {
    expect(perCodeStatisticOf(report)).toBe('k_u_alpha');
    expect(perCodeStatisticOf({ headline: 'unitized' })).toBe('k_u_alpha');
    expect(perCodeStatisticOf({ headline: 'coded' })).toBe('kripp_alpha_nominal');
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
