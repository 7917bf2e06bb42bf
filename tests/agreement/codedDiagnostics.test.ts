import { describe, expect, it } from 'vitest';
import { type CodedValue, computeCodedAgreement } from '../../shared/agreement/coded';
import type { DiagnosticKind } from '../../shared/agreement/diagnostics';

const kinds = (matrix: CodedValue[][], options: Parameters<typeof computeCodedAgreement>[1] = {}) =>
  computeCodedAgreement(matrix, options).diagnostics.map((d) => d.kind);

/** 40 complete units, two coders agreeing on 36, four categories each used ≥ 10 times. */
const healthy: CodedValue[][] = Array.from({ length: 40 }, (_, u) => [(u % 4) + 1, u % 10 === 0 ? ((u + 1) % 4) + 1 : (u % 4) + 1]);

describe('coded diagnostics', () => {
  it('stays quiet on healthy data', () => {
    expect(kinds(healthy)).toEqual([]);
  });

  it('flags the kappa paradox (high agreement, low kappa, skewed prevalence) and names AC1', () => {
    const skewed: CodedValue[][] = Array.from({ length: 40 }, (_, u) => ['yes', u < 12 ? 'no' : 'yes']);
    const { statistics, diagnostics } = computeCodedAgreement(skewed);
    const paradox = diagnostics.find((d) => d.kind === 'kappa_paradox');
    expect(statistics.percent_agreement_pairwise).toBe(0.7);
    expect(statistics.cohen_kappa).toBe(0);
    expect(paradox?.statistics).toContain('cohen_kappa');
    expect(paradox?.subject?.category).toBe('yes');
    expect(paradox?.message).toMatch(/AC1/);
    expect(kinds(healthy)).not.toContain('kappa_paradox');
  });

  it('flags sparse categories (< 5 uses) and only those', () => {
    const withRare = healthy.map((row, u) => (u < 2 ? [9, 9] : row));
    const sparse = computeCodedAgreement(withRare).diagnostics.filter((d) => d.kind === 'sparse_code');
    expect(sparse.map((d) => d.subject?.category)).toEqual(['9']);
    expect(sparse[0].value).toBe(4);
  });

  it('flags too few units (< 30 pairable) but not 30', () => {
    expect(kinds(healthy.slice(0, 29))).toContain('too_few_units');
    expect(kinds(healthy.slice(0, 30))).not.toContain('too_few_units');
  });

  it('names a coder who never used a category the others used', () => {
    const data = healthy.map(([a, b]) => [a, b, a === 4 ? 3 : a]);
    const found = computeCodedAgreement(data, { coderNames: ['Ana', 'Ben', 'Cleo'] }).diagnostics.filter(
      (d) => d.kind === 'coder_never_used_code',
    );
    expect(found).toHaveLength(1);
    expect(found[0].subject).toEqual({ coder: 'Cleo', category: '4' });
    expect(found[0].message).toContain('Cleo');
  });

  it('[G2] reports units dropped as unpairable, and incomplete units left out listwise', () => {
    const data: CodedValue[][] = [...healthy.map((row) => [...row, row[0]]), [1, null, null], [null, null, null], [2, 2, null]];
    const { diagnostics } = computeCodedAgreement(data);
    const unpairable = diagnostics.find((d) => d.kind === 'unpairable_units_dropped');
    expect(unpairable?.value).toBe(1);
    expect(unpairable?.message).toMatch(/1 unit\(s\) with no value at all/);
    const listwise = diagnostics.find((d) => d.kind === 'incomplete_units_dropped');
    expect(listwise?.value).toBe(2);
    expect(listwise?.statistics).toContain('fleiss_kappa');
    expect(kinds(healthy)).not.toContain('unpairable_units_dropped');
  });

  it('[G2] leaves out a coder without values, and says so', () => {
    const data = healthy.map((row) => [row[0], null, row[1]]);
    const result = computeCodedAgreement(data, { coderNames: ['Ana', 'Ben', 'Cleo'] });
    const empty = result.diagnostics.find((d) => d.kind === 'coder_without_values');
    expect(empty?.subject?.coder).toBe('Ben');
    // Two coders remain, so Cohen's kappa applies and equals the two-column result.
    expect(result.statistics.cohen_kappa).toBe(computeCodedAgreement(healthy).statistics.cohen_kappa);
  });

  it('[G3] reports alpha without variation as null, with the convention kept apart', () => {
    const { statistics, diagnostics } = computeCodedAgreement(Array.from({ length: 35 }, () => [2, 2, 2]), { level: 'interval' });
    for (const metric of ['nominal', 'ordinal', 'interval', 'ratio']) {
      expect(statistics[`kripp_alpha_${metric}`]).toBeNull();
      expect(statistics[`kripp_alpha_${metric}_by_convention`]).toBe(1);
    }
    const noVariation = diagnostics.filter((d) => d.kind === 'no_variation');
    expect(noVariation[0].statistics).toContain('kripp_alpha_interval');
    expect(noVariation[1].statistics).toEqual(['gwet_ac1', 'gwet_ac2_linear', 'gwet_ac2_quadratic']);
    const [chanceIsOne, pairUndefined] = diagnostics.filter((d) => d.kind === 'undefined_statistic');
    expect(chanceIsOne.statistics).toEqual(expect.arrayContaining(['fleiss_kappa', 'conger_kappa', 'brennan_prediger']));
    expect(chanceIsOne.message).toMatch(/chance agreement is 1/);
    expect(pairUndefined.statistics).toEqual(['light_kappa']);
    expect(pairUndefined.message).toMatch(/at least one coder pair/);
    expect(kinds(healthy)).not.toContain('no_variation');
  });

  it('[G3] explains undefined statistics when no unit is pairable or complete', () => {
    const { statistics, diagnostics } = computeCodedAgreement([
      [1, null],
      [null, 2],
    ]);
    expect(statistics.kripp_alpha_nominal).toBeNull();
    expect(statistics.cohen_kappa).toBeNull();
    const messages = diagnostics.filter((d) => d.kind === 'undefined_statistic').map((d) => d.message);
    expect(messages.some((m) => m.includes('kripp_alpha_nominal') && m.includes('no unit was coded by two or more coders'))).toBe(true);
    expect(messages.some((m) => m.includes('cohen_kappa') && m.includes('no unit was coded by every coder'))).toBe(true);
  });

  it('[G1] leaves out statistics that do not apply', () => {
    const three = computeCodedAgreement(healthy.map(([a, b]) => [a, b, a])).statistics;
    expect(three).not.toHaveProperty('cohen_kappa');
    expect(three).not.toHaveProperty('scott_pi');
    expect(three).toHaveProperty('light_kappa');
    const labels = computeCodedAgreement(healthy.map((row) => row.map((v) => `code ${v}`)), { level: 'nominal' }).statistics;
    expect(labels).toHaveProperty('cohen_kappa');
    expect(labels).not.toHaveProperty('cohen_kappa_linear');
    expect(labels).not.toHaveProperty('gwet_ac2_linear');
    expect(computeCodedAgreement(healthy, { level: 'nominal' }).statistics).not.toHaveProperty('kripp_alpha_interval');
    const negative = computeCodedAgreement(healthy.map((row) => row.map((v) => (v as number) - 3)), { level: 'interval' }).statistics;
    expect(negative).toHaveProperty('kripp_alpha_interval');
    expect(negative).not.toHaveProperty('kripp_alpha_ratio');
  });

  it('rejects labels for ordered levels and negative ratio values', () => {
    expect(() => computeCodedAgreement([['a', 'b']], { level: 'interval' })).toThrow('interval data must be numbers; found the label "a".');
    expect(() => computeCodedAgreement([[-1, 2]], { level: 'ratio' })).toThrow(/must not be negative/);
  });

  it('[G4] warns when bootstrap intervals rest on few or undefined resamples', () => {
    const few = computeCodedAgreement(healthy, { bootstrap: { draws: 50, seed: 1 } }).diagnostics;
    expect(few.some((d) => d.kind === 'bootstrap_degenerate' && d.value === 50)).toBe(true);
    // One unit decides everything: most unit resamples hold one category only, so kappa is 0/0 there.
    const fragile: CodedValue[][] = [[1, 1], [1, 1], [1, 1], [1, 1], [2, 1]];
    const diagnostics = computeCodedAgreement(fragile, { bootstrap: { draws: 1000, seed: 3 } }).diagnostics;
    const undefinedShare = diagnostics.find((d) => d.kind === 'bootstrap_degenerate' && d.statistics?.includes('fleiss_kappa'));
    expect(undefinedShare?.measure).toBe('undefined_share');
    expect(kinds(healthy, { bootstrap: { draws: 1000, seed: 1 } })).not.toContain('bootstrap_degenerate' satisfies DiagnosticKind);
  });
});
