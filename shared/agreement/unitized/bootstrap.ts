/**
 * Seeded bootstrap for the 2016 uα family.
 *
 * Resampling choice: a *block* bootstrap over stretches of the continuum. The continuum is cut only
 * at positions that no coder's segment straddles, so every block holds one cluster of mutually
 * overlapping segments (of all coders) plus the uncoded stretch that follows it. A draw picks as
 * many blocks as there are, with replacement, and lays them end to end as a new continuum.
 * Why blocks and not pairs of values (Hayes & Krippendorff 2007): in unitized data the "values" are
 * lengths of overlaps whose expected coincidences depend on whole units (Σ l², eq. 5a) and on gaps,
 * so a resample must keep units and their surroundings intact; cutting where nobody's segment
 * straddles never splits a unit. This is the unitized analogue of the unit-level bootstrap of
 * §5 of our notes, not KALPHA's procedure, and is labelled as such in the output.
 */

import { type AgreementDiagnostic, diagnostic } from '../diagnostics.js';
import { computeUnitizedFamily2016 } from './alpha2016.js';
import type { CoderSegments } from './continuum.js';
import { buildTilings, type PreparedUnitizedData } from './prepare.js';
import { createSeededRandom } from '../random';
import { alphaThresholds } from '../verdict';

export interface BootstrapOptions {
  draws: number;
  seed: number;
}

/** Fewer blocks than this leave too few distinct resamples for percentiles to mean much. */
const MIN_BLOCKS = 20;
/** Krippendorff's (2004) smallest acceptable alphas, for q = P(α < α_min). */
const TARGET_ALPHAS = [alphaThresholds.tentative, alphaThresholds.reliable] as const;


/**
 * Block boundaries: the continuum start, then every segment start that no earlier segment straddles,
 * except the first (the leading uncoded stretch belongs to the first block, so no block is all gap).
 */
function blockCuts(prepared: PreparedUnitizedData): Float64Array {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const segments of prepared.segmentsByCoder) {
    for (let i = 0; i < segments.starts.length; i++) {
      starts.push(segments.starts[i]);
      ends.push(segments.ends[i]);
    }
  }
  const order = Array.from(starts.keys()).sort((a, b) => starts[a] - starts[b]);
  const cuts = [prepared.bounds.begin];
  let reach = prepared.bounds.begin;
  for (const [rank, i] of order.entries()) {
    if (rank > 0 && starts[i] >= reach && starts[i] > cuts[cuts.length - 1]) cuts.push(starts[i]);
    if (ends[i] > reach) reach = ends[i];
  }
  cuts.push(prepared.bounds.end);
  return Float64Array.from(cuts);
}

/** For one coder, the index range [first[b], first[b + 1]) of its segments inside block b. */
function blockRanges(segments: CoderSegments, cuts: Float64Array): Uint32Array {
  const blockCount = cuts.length - 1;
  const first = new Uint32Array(blockCount + 1);
  let i = 0;
  for (let b = 0; b < blockCount; b++) {
    first[b] = i;
    while (i < segments.starts.length && segments.starts[i] < cuts[b + 1]) i++;
  }
  first[blockCount] = segments.starts.length;
  return first;
}

function percentile(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

type StatisticName = 'u_alpha' | 'binary_u_alpha' | 'cu_alpha';

export function bootstrapUnitizedFamily(
  prepared: PreparedUnitizedData,
  valueOfCode: Int32Array,
  options: BootstrapOptions,
): { summary: Record<string, unknown>; diagnostics: AgreementDiagnostic[] } {
  const draws = Math.max(0, Math.floor(options.draws));
  const random = createSeededRandom(options.seed).next;
  const cuts = blockCuts(prepared);
  const blockCount = cuts.length - 1;
  const ranges = prepared.segmentsByCoder.map((segments) => blockRanges(segments, cuts));
  const samples: Record<StatisticName, number[]> = { u_alpha: [], binary_u_alpha: [], cu_alpha: [] };

  const chosen = new Uint32Array(blockCount);
  for (let draw = 0; draw < draws; draw++) {
    let length = 0;
    for (let b = 0; b < blockCount; b++) {
      chosen[b] = Math.floor(random() * blockCount);
      length += cuts[chosen[b] + 1] - cuts[chosen[b]];
    }
    const segmentsByCoder = prepared.segmentsByCoder.map((segments, coder) => {
      let size = 0;
      for (const b of chosen) size += ranges[coder][b + 1] - ranges[coder][b];
      const starts = new Float64Array(size);
      const ends = new Float64Array(size);
      const codes = new Int32Array(size);
      let k = 0;
      let offset = 0;
      for (const b of chosen) {
        const shift = offset - cuts[b];
        for (let i = ranges[coder][b]; i < ranges[coder][b + 1]; i++) {
          starts[k] = segments.starts[i] + shift;
          ends[k] = segments.ends[i] + shift;
          codes[k++] = segments.codes[i];
        }
        offset += cuts[b + 1] - cuts[b];
      }
      return { starts, ends, codes };
    });
    const resampled: PreparedUnitizedData = { ...prepared, bounds: { begin: 0, end: length }, segmentsByCoder };
    const tilings = buildTilings(resampled, valueOfCode, prepared.codes);
    const family = computeUnitizedFamily2016(tilings.observers, tilings.valueNames.length);
    if (family.uAlpha !== null) samples.u_alpha.push(family.uAlpha);
    if (family.binaryUAlpha !== null) samples.binary_u_alpha.push(family.binaryUAlpha);
    if (family.cuAlpha !== null) samples.cu_alpha.push(family.cuAlpha);
  }

  const diagnostics: AgreementDiagnostic[] = [];
  if (blockCount < MIN_BLOCKS) {
    diagnostics.push(
      diagnostic(
        'bootstrap_degenerate',
        'warning',
        `The bootstrap resamples only ${blockCount} independent stretch(es) of the continuum; its interval is unreliable.`,
        { statistics: ['bootstrap'], value: blockCount, measure: 'blocks' },
      ),
    );
  }
  const summarise = (name: StatisticName) => {
    const values = samples[name].sort((a, b) => a - b);
    if (values.length < draws) {
      diagnostics.push(
        diagnostic(
          'bootstrap_degenerate',
          'warning',
          `${draws - values.length} of ${draws} bootstrap draws left ${name} undefined; the interval uses the others.`,
          { statistics: [`bootstrap.${name}`], value: draws - values.length, measure: 'undefined_draws' },
        ),
      );
    }
    if (values.length === 0) return { defined_draws: 0, ci95_lower: null, ci95_upper: null, q_below: null };
    return {
      defined_draws: values.length,
      ci95_lower: percentile(values, 0.025),
      ci95_upper: percentile(values, 0.975),
      q_below: Object.fromEntries(
        TARGET_ALPHAS.map((target) => [String(target), values.filter((value) => value < target).length / values.length]),
      ),
    };
  };
  return {
    summary: {
      method: 'block bootstrap over clusters of overlapping segments (percentile interval)',
      draws,
      seed: options.seed,
      blocks: blockCount,
      u_alpha: summarise('u_alpha'),
      binary_u_alpha: summarise('binary_u_alpha'),
      cu_alpha: summarise('cu_alpha'),
    },
    diagnostics,
  };
}
