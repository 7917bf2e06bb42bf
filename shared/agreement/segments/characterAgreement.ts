/**
 * NVivo-style character-level agreement per code: every character (UTF-16 code unit) of the text is
 * a unit that each coder either coded with the code or did not. For two coders this is a 2 × 2 table
 * (both / only A / only B / neither) from which percent agreement and Cohen's kappa follow; Scott's
 * π and nominal Krippendorff α of the same table are reported too.
 *
 * More than two coders: NVivo compares two users (or groups) at a time, so we report every pair and
 * the plain mean over pairs (Light's 1971 averaging for kappa). No multi-coder kappa is implied.
 *
 * "Coded-only" agreement drops the characters neither coder coded with the code — the large uncoded
 * stretches that make character-level agreement look high — and reports both / (A ∪ B), the share of
 * the characters someone coded that both coded (the Jaccard index of the two codings). Kappa is not
 * reported there: with the "neither" cell removed by construction, chance correction has no meaning.
 *
 * Computed from merged, sorted intervals per (coder, code) with a two-pointer intersection: the cost
 * is O(S log S) in the number of segments, independent of the text length.
 */

import { type AgreementDiagnostic, diagnostic } from '../diagnostics.js';
import { codersAndCodes, type SegmentCoding } from './matrices.js';

export interface CharacterPairAgreement {
  coderA: string;
  coderB: string;
  /** Characters coded by both, by A only, by B only, by neither. */
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  percentAgreement: number;
  cohenKappa: number | null;
  scottPi: number | null;
  krippendorffAlphaNominal: number | null;
  /** both / (both + onlyA + onlyB); null when neither coder used the code. */
  codedOnlyPercentAgreement: number | null;
}

export interface CharacterCodeAgreement {
  codeId: string;
  pairs: CharacterPairAgreement[];
  meanPercentAgreement: number | null;
  meanCohenKappa: number | null;
  meanCodedOnlyPercentAgreement: number | null;
}

/** Sorted, disjoint intervals: the union of a coder's segments of one code, clipped to the text. */
interface IntervalSet {
  starts: Float64Array;
  ends: Float64Array;
  length: number;
}

function unionOf(segments: readonly SegmentCoding[], textLength: number): IntervalSet {
  const sorted = segments
    .map((segment) => ({ start: Math.max(0, segment.start), end: Math.min(textLength, segment.end) }))
    .filter((segment) => segment.end > segment.start)
    .sort((a, b) => a.start - b.start);
  const starts: number[] = [];
  const ends: number[] = [];
  let length = 0;
  for (const segment of sorted) {
    const last = ends.length - 1;
    if (last >= 0 && segment.start <= ends[last]) {
      if (segment.end > ends[last]) {
        length += segment.end - ends[last];
        ends[last] = segment.end;
      }
      continue;
    }
    starts.push(segment.start);
    ends.push(segment.end);
    length += segment.end - segment.start;
  }
  return { starts: Float64Array.from(starts), ends: Float64Array.from(ends), length };
}

function intersectionLength(a: IntervalSet, b: IntervalSet): number {
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < a.starts.length && j < b.starts.length) {
    const overlap = Math.min(a.ends[i], b.ends[j]) - Math.max(a.starts[i], b.starts[j]);
    if (overlap > 0) total += overlap;
    if (a.ends[i] <= b.ends[j]) i++;
    else j++;
  }
  return total;
}

const chanceCorrected = (observed: number, chance: number): number | null => (chance < 1 ? (observed - chance) / (1 - chance) : null);

/** Agreement statistics of one 2 × 2 character table. */
export function characterTableAgreement(
  table: { both: number; onlyA: number; onlyB: number; neither: number },
): Omit<CharacterPairAgreement, 'coderA' | 'coderB'> {
  const { both, onlyA, onlyB, neither } = table;
  const total = both + onlyA + onlyB + neither;
  const observed = (both + neither) / total;
  const shareA = (both + onlyA) / total;
  const shareB = (both + onlyB) / total;
  const pooled = (shareA + shareB) / 2;
  // Krippendorff's nominal α with 2 values per character: n = 2·total pairable values.
  const values = 2 * total;
  const codedValues = 2 * both + onlyA + onlyB;
  const alphaDenominator = values * values - codedValues ** 2 - (values - codedValues) ** 2;
  const coded = both + onlyA + onlyB;
  return {
    both,
    onlyA,
    onlyB,
    neither,
    percentAgreement: observed,
    cohenKappa: chanceCorrected(observed, shareA * shareB + (1 - shareA) * (1 - shareB)),
    scottPi: chanceCorrected(observed, pooled ** 2 + (1 - pooled) ** 2),
    krippendorffAlphaNominal: alphaDenominator > 0 ? 1 - ((values - 1) * 2 * (onlyA + onlyB)) / alphaDenominator : null,
    codedOnlyPercentAgreement: coded > 0 ? both / coded : null,
  };
}

const meanOf = (values: ReadonlyArray<number | null>): number | null => {
  const defined = values.filter((value): value is number => value !== null);
  return defined.length > 0 ? defined.reduce((sum, value) => sum + value, 0) / defined.length : null;
};

export function characterAgreement(
  textLength: number,
  codings: readonly SegmentCoding[],
  coders: readonly string[] = codersAndCodes(codings).coders,
): { byCode: CharacterCodeAgreement[]; diagnostics: AgreementDiagnostic[] } {
  if (!(textLength > 0)) throw new RangeError(`Character-level agreement needs a non-empty text (got length ${textLength}).`);
  const diagnostics: AgreementDiagnostic[] = [];
  if (coders.length < 2) {
    diagnostics.push(diagnostic('too_few_coders', 'error', 'Character-level agreement needs at least two coders.'));
  }
  const grouped = new Map<string, Map<string, SegmentCoding[]>>();
  for (const coding of codings) {
    let byCoder = grouped.get(coding.codeId);
    if (!byCoder) {
      byCoder = new Map();
      grouped.set(coding.codeId, byCoder);
    }
    const list = byCoder.get(coding.coder);
    if (list) list.push(coding);
    else byCoder.set(coding.coder, [coding]);
  }
  const byCode = codersAndCodes(codings).codeIds.map((codeId) => {
    const byCoder = grouped.get(codeId) as Map<string, SegmentCoding[]>;
    const unions = coders.map((coder) => unionOf(byCoder.get(coder) ?? [], textLength));
    const pairs: CharacterPairAgreement[] = [];
    for (let a = 0; a < coders.length; a++) {
      for (let b = a + 1; b < coders.length; b++) {
        const both = intersectionLength(unions[a], unions[b]);
        const onlyA = unions[a].length - both;
        const onlyB = unions[b].length - both;
        const pair = {
          coderA: coders[a],
          coderB: coders[b],
          ...characterTableAgreement({ both, onlyA, onlyB, neither: textLength - both - onlyA - onlyB }),
        };
        if (pair.cohenKappa === null) {
          diagnostics.push(
            diagnostic(
              'undefined_statistic',
              'info',
              `Kappa for "${codeId}" between ${coders[a]} and ${coders[b]} is undefined: chance agreement is 1 (one coder coded all or none of the text).`,
              { statistics: ['cohenKappa'], subject: { category: codeId } },
            ),
          );
        }
        pairs.push(pair);
      }
    }
    return {
      codeId,
      pairs,
      meanPercentAgreement: meanOf(pairs.map((pair) => pair.percentAgreement)),
      meanCohenKappa: meanOf(pairs.map((pair) => pair.cohenKappa)),
      meanCodedOnlyPercentAgreement: meanOf(pairs.map((pair) => pair.codedOnlyPercentAgreement)),
    };
  });
  return { byCode, diagnostics };
}
