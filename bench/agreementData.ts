import { createSeededRandom } from '../shared/agreement/random';
import type { CodedValue } from '../shared/agreement/coded/types';

export interface SyntheticCodingSpec {
  units: number;
  coders: number;
  categories: number;
  missingShare: number;
  /** Chance that a coder copies the unit's "true" category instead of guessing uniformly. */
  accuracy: number;
  seed: number;
}

export const BENCHMARK_SPEC: SyntheticCodingSpec = {
  units: 100_000,
  coders: 5,
  categories: 8,
  missingShare: 0.2,
  accuracy: 0.7,
  seed: 20_240_611,
};

/**
 * Reliability data with realistic structure: each unit has a true category, each coder reports it
 * with probability `accuracy` and a uniform guess otherwise; cells go missing independently.
 */
export function generateCodingMatrix(spec: SyntheticCodingSpec): CodedValue[][] {
  const random = createSeededRandom(spec.seed);
  const rows: CodedValue[][] = [];
  for (let unit = 0; unit < spec.units; unit++) {
    const truth = 1 + random.nextInt(spec.categories);
    const row: CodedValue[] = [];
    for (let coder = 0; coder < spec.coders; coder++) {
      if (random.next() < spec.missingShare) row.push(null);
      else row.push(random.next() < spec.accuracy ? truth : 1 + random.nextInt(spec.categories));
    }
    rows.push(row);
  }
  return rows;
}

/** The matrix as CSV for tools that read no JSON (R): a header of coder names, NA for missing. */
export function toWideCsv(rows: CodedValue[][]): string {
  const coders = rows[0]?.length ?? 0;
  const header = Array.from({ length: coders }, (_, coder) => `coder${coder + 1}`).join(',');
  const cell = (value: CodedValue) => (value === null ? 'NA' : typeof value === 'number' ? String(value) : `"${value.replaceAll('"', '""')}"`);
  return `${header}\n${rows.map((row) => row.map(cell).join(',')).join('\n')}\n`;
}
