/**
 * [G4] Coverage of alpha's 95 % intervals on data from a model with a known population alpha (see
 * bench/agreementCoverage.ts for the model and the derivation of α = p²): the default interval over
 * units comes close to 95 %, the Hayes & Krippendorff interval over pairable values falls well short
 * when a unit holds several values. Fewer studies than the bench's 1,000, with fixed seeds, so the
 * numbers are the same on every run; the bounds leave about three standard errors of a 150-study
 * estimate on the side that does not matter and still separate the two methods.
 */
import { describe, expect, it } from 'vitest';
import { alphaIntervalCoverage, coverageScenario, populationAlpha, simulateReliabilityData } from '../../bench/agreementCoverage';
import { computeCodedAgreement } from '../../shared/agreement/coded';
import { createSeededRandom } from '../../shared/agreement/random';

describe('alpha interval coverage on simulated studies with a known alpha', () => {
  it('the model has population alpha p² (one large sample lands on it)', () => {
    const scenario = coverageScenario({ units: 20_000, coders: 3, missingShare: 0.1 });
    expect(populationAlpha(scenario)).toBeCloseTo(0.7, 12);
    const alpha = computeCodedAgreement(simulateReliabilityData(scenario, createSeededRandom(5))).statistics.kripp_alpha_nominal as number;
    // The standard error of alpha on 20,000 units is about 0.004.
    expect(Math.abs(alpha - 0.7)).toBeLessThan(0.015);
  });

  it('intervals over units cover the population alpha near 95 %; Hayes & Krippendorff intervals do not', { timeout: 180_000 }, () => {
    const scenario = coverageScenario({ units: 80, coders: 4, missingShare: 0.1 });
    const results = alphaIntervalCoverage(scenario, { replications: 150, draws: 250, seed: 3, methods: ['units', 'hayes_krippendorff'] });
    // Standard error of a coverage near 0.94 over 150 studies: 0.019; near 0.78: 0.034.
    expect(results.units.coverage).toBeGreaterThanOrEqual(0.88);
    expect(results.units.coverage).toBeLessThanOrEqual(0.99);
    expect(results.hayes_krippendorff.coverage).toBeLessThanOrEqual(0.87);
    // Misses on both sides: the interval over units is not shifted, only the pairs' one is too narrow.
    expect(results.units.missedBelow).toBeGreaterThan(0);
    expect(results.units.missedAbove).toBeGreaterThan(0);
    expect(results.hayes_krippendorff.meanWidth / results.units.meanWidth).toBeLessThan(0.8);
    expect(results.units.withoutInterval + results.hayes_krippendorff.withoutInterval).toBe(0);
  });
});
