/**
 * Coverage of alpha's 95 % bootstrap intervals: how often they contain the population alpha of the
 * model that generated the data, for both interval methods and several study sizes.
 *
 *   npx tsx bench/agreementCoverage.ts            (1,000 replications per study size)
 *
 * The model: every unit has a latent true category T drawn from fixed category shares π; each coder,
 * independently, reports T with probability p and otherwise a fresh draw from π; a cell goes missing
 * with a fixed probability. Every reported value then has the distribution π, two values of one unit
 * agree with probability p² + (1 − p²) Σπ², and chance agreement is Σπ², so the population nominal
 * alpha is 1 − (1 − p²)(1 − Σπ²) / (1 − Σπ²) = p², whatever π, the number of coders or the (random)
 * missingness. It is derived analytically; the bench also prints alpha on one sample of 200,000
 * units as a check of the derivation.
 *
 * Imported by tests/agreement/alphaCoverage.test.ts, which runs fewer replications.
 */
import { pathToFileURL } from 'node:url';
import { type AlphaIntervalMethod, type CodedValue, computeCodedAgreement } from '../shared/agreement/coded';
import { createSeededRandom, type SeededRandom } from '../shared/agreement/random';

export interface CoverageScenario {
  units: number;
  coders: number;
  /** Shares π of the categories 1..q (they sum to 1). */
  categoryShares: readonly number[];
  /** p: the chance that a coder reports the unit's true category rather than a fresh draw from π. */
  copyProbability: number;
  /** Chance that a cell is missing, independently of everything else. */
  missingShare: number;
}

/** The model's alpha (see the file comment): p², for every category distribution and coder count. */
export function populationAlpha(scenario: CoverageScenario): number {
  return scenario.copyProbability ** 2;
}

function drawCategory(random: SeededRandom, shares: readonly number[]): number {
  let remaining = random.next();
  for (let category = 0; category < shares.length - 1; category++) {
    remaining -= shares[category];
    if (remaining < 0) return category + 1;
  }
  return shares.length;
}

/** One study's reliability data from the model: units × coders, categories 1..q, `null` missing. */
export function simulateReliabilityData(scenario: CoverageScenario, random: SeededRandom): CodedValue[][] {
  const rows: CodedValue[][] = [];
  for (let unit = 0; unit < scenario.units; unit++) {
    const truth = drawCategory(random, scenario.categoryShares);
    const row: CodedValue[] = [];
    for (let coder = 0; coder < scenario.coders; coder++) {
      if (random.next() < scenario.missingShare) row.push(null);
      else row.push(random.next() < scenario.copyProbability ? truth : drawCategory(random, scenario.categoryShares));
    }
    rows.push(row);
  }
  return rows;
}

export interface MethodCoverage {
  /** Share of the intervals that contain the population alpha. */
  coverage: number;
  /** Intervals entirely below, and entirely above, the population alpha. */
  missedBelow: number;
  missedAbove: number;
  meanWidth: number;
  /** Studies without an interval (alpha undefined on every resample); they count as not covering. */
  withoutInterval: number;
}

export interface CoverageOptions {
  replications: number;
  draws: number;
  /** Seed of the data; replication r's bootstrap uses seed + r, so every study is reproducible on its own. */
  seed: number;
  methods: readonly AlphaIntervalMethod[];
}

/** Simulates `replications` studies and gives every method the same data and bootstrap seed. */
export function alphaIntervalCoverage(scenario: CoverageScenario, options: CoverageOptions): Record<AlphaIntervalMethod, MethodCoverage> {
  const truth = populationAlpha(scenario);
  const random = createSeededRandom(options.seed);
  const tallies = new Map(options.methods.map((method) => [method, { covered: 0, below: 0, above: 0, width: 0, withInterval: 0 }]));
  for (let replication = 0; replication < options.replications; replication++) {
    const data = simulateReliabilityData(scenario, random);
    for (const method of options.methods) {
      const tally = tallies.get(method) as { covered: number; below: number; above: number; width: number; withInterval: number };
      const bootstrap = { draws: options.draws, seed: options.seed + replication, alphaMethod: method };
      const interval = computeCodedAgreement(data, { bootstrap }).intervals.kripp_alpha_nominal;
      if (!interval) continue;
      tally.withInterval++;
      tally.width += interval.upper - interval.lower;
      if (interval.upper < truth) tally.below++;
      else if (interval.lower > truth) tally.above++;
      else tally.covered++;
    }
  }
  const results = {} as Record<AlphaIntervalMethod, MethodCoverage>;
  for (const [method, tally] of tallies) {
    results[method] = {
      coverage: tally.covered / options.replications,
      missedBelow: tally.below,
      missedAbove: tally.above,
      meanWidth: tally.withInterval === 0 ? Number.NaN : tally.width / tally.withInterval,
      withoutInterval: options.replications - tally.withInterval,
    };
  }
  return results;
}

/** Uneven shares, as codebooks have: chance agreement Σπ² = 0.30. */
const CATEGORY_SHARES = [0.4, 0.3, 0.2, 0.1];
/** p = √0.7, so the population alpha is 0.700: between "tentative" and "reliable". */
const COPY_PROBABILITY = Math.sqrt(0.7);

/** Two coders (one pair per unit: the methods differ only in D_e) and three to five (correlated pairs). */
export const COVERAGE_SIZES: readonly { units: number; coders: number; missingShare: number }[] = [
  { units: 30, coders: 2, missingShare: 0 },
  { units: 100, coders: 2, missingShare: 0 },
  { units: 50, coders: 3, missingShare: 0 },
  { units: 100, coders: 5, missingShare: 0.2 },
];

export function coverageScenario(size: { units: number; coders: number; missingShare: number }): CoverageScenario {
  return { ...size, categoryShares: CATEGORY_SHARES, copyProbability: COPY_PROBABILITY };
}

const REPLICATIONS = 1000;
const DRAWS = 1000;
const SEED = 20_070_101;
const CHECK_UNITS = 200_000;

function runCoverageBenchmark(): void {
  const check = coverageScenario({ units: CHECK_UNITS, coders: 3, missingShare: 0.1 });
  const sampleAlpha = computeCodedAgreement(simulateReliabilityData(check, createSeededRandom(SEED))).statistics.kripp_alpha_nominal as number;
  console.log(
    `alpha interval coverage: population alpha p² = ${populationAlpha(check).toFixed(4)} (analytic); ` +
      `one sample of ${CHECK_UNITS.toLocaleString('en')} units × 3 coders gives ${sampleAlpha.toFixed(4)}`,
  );
  console.log(`  ${REPLICATIONS} studies per size, ${DRAWS} resamples each, nominal 95 % percentile intervals, seed ${SEED}`);
  console.log('  units × coders (missing)   method               coverage  below  above  mean width');
  for (const size of COVERAGE_SIZES) {
    const start = performance.now();
    const results = alphaIntervalCoverage(coverageScenario(size), { replications: REPLICATIONS, draws: DRAWS, seed: SEED, methods: ['units', 'hayes_krippendorff'] });
    const seconds = (performance.now() - start) / 1000;
    for (const [method, result] of Object.entries(results)) {
      const label = `${size.units} × ${size.coders} (${Math.round(size.missingShare * 100)} %)`.padEnd(25);
      console.log(
        `  ${label}  ${method.padEnd(19)}  ${(result.coverage * 100).toFixed(1).padStart(7)} %  ${String(result.missedBelow).padStart(5)}  ${String(result.missedAbove).padStart(5)}  ` +
          `${result.meanWidth.toFixed(3).padStart(10)}${result.withoutInterval > 0 ? `  (${result.withoutInterval} without interval)` : ''}`,
      );
    }
    console.log(`  ${''.padEnd(25)}  (${seconds.toFixed(1)} s)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runCoverageBenchmark();
}
