import { describe, expect, it } from 'vitest';
import { computeCodedAgreement, type CodedMatrix, type MeasurementLevel } from '../../shared/agreement/coded';
import { agreementFixturesAvailable, listAgreementFixtures, readAgreementFixture } from '../helpers/sharedFixtures';

interface CodedFixture {
  level: MeasurementLevel;
  data: CodedMatrix;
  expected: Record<string, number | null>;
  tolerance?: number | Record<string, number>;
}

const DEFAULT_TOLERANCE = 1e-9;

/**
 * Fixture keys that name a cross-check or a convention rather than one of our result keys:
 * - `brennan_prediger_check` is the same coefficient recomputed by NLTK `S` / statsmodels (randolph);
 * - where a fixture also stores `kripp_alpha_<metric>_mathematical`, its plain `kripp_alpha_<metric>`
 *   holds irr/NLTK's "1 when there is no variation" convention. We report the 0/0 as null under the
 *   plain key and the convention under `_by_convention`, so the two fixture keys swap places.
 */
function resultKeyFor(fixtureKey: string, expected: Record<string, unknown>): string {
  if (fixtureKey === 'brennan_prediger_check') return 'brennan_prediger';
  const mathematical = /^(kripp_alpha_\w+?)_mathematical$/.exec(fixtureKey);
  if (mathematical) return mathematical[1];
  if (fixtureKey.startsWith('kripp_alpha_') && `${fixtureKey}_mathematical` in expected) return `${fixtureKey}_by_convention`;
  return fixtureKey;
}

function toleranceFor(fixture: CodedFixture, key: string): number {
  if (typeof fixture.tolerance === 'number') return fixture.tolerance;
  return fixture.tolerance?.[key] ?? DEFAULT_TOLERANCE;
}

const codedFixtureNames = listAgreementFixtures().filter((name) => !name.startsWith('unitized_') && !name.startsWith('gamma_'));

describe.skipIf(!agreementFixturesAvailable)('[G5] coded-unit agreement against the reference fixtures', () => {
  it('finds the coded-unit fixtures', () => {
    expect(codedFixtureNames.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(codedFixtureNames)('%s', (fileName) => {
    const fixture = readAgreementFixture<CodedFixture>(fileName);
    const result = computeCodedAgreement(fixture.data, { level: fixture.level });

    it.each(Object.entries(fixture.expected))('%s = %s', (fixtureKey, expectedValue) => {
      const key = resultKeyFor(fixtureKey, fixture.expected);
      expect(result.statistics, `missing statistic ${key}`).toHaveProperty(key);
      const actual = result.statistics[key];
      if (expectedValue === null) {
        expect(actual).toBeNull();
        expect(result.diagnostics.some((d) => d.statistics?.includes(key)), `no diagnostic explains why ${key} is null`).toBe(true);
      } else {
        expect(actual).not.toBeNull();
        expect(Math.abs((actual as number) - expectedValue)).toBeLessThanOrEqual(toleranceFor(fixture, fixtureKey));
      }
    });

    it('reports no NaN or infinite value', () => {
      for (const value of Object.values(result.statistics)) {
        if (value !== null) expect(Number.isFinite(value)).toBe(true);
      }
    });
  });
});
