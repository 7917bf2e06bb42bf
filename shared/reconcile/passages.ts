/**
 * The disagreement finder: groups coders' codings of one transcript into passages, says what kind
 * of disagreement each shows, and orders the disagreements by impact for the navigator.
 *
 * One sort and one sweep make the passages (codings sorted by start; a coding joins the current
 * passage when it starts before the passage's end), then each passage is examined on its own few
 * codings: O(n log n) for n codings, with no per-character arrays.
 *
 * Agreement inside a passage is judged per code. For code c, take each coder's coverage (the
 * characters their c-codings cover); the overlap ratio is |characters in every such coverage| /
 * |characters in any|, over the coders who applied c there (Jaccard for two coders). A passage is
 * agreed when every coder in scope applied exactly the same set of codes there and each code's
 * overlap ratio reaches `agreedOverlapRatioMin` (default 0.9). Coverage, not coding count, is
 * compared, so a coder who split a span into two touching codings still agrees with one who did not.
 */
import { coveredLength, intersectCoverages, type TextSpan } from './ranges';
import { StableHasher } from './stableId';
import {
  type CodeInPassage,
  type CodeStanding,
  type CoderVersion,
  type DisagreementKind,
  disagreementKinds,
  type Passage,
  ReconcileError,
  type ReconcileCoding,
  type TranscriptPassages,
} from './types';
import { checkRange, requireNonEmptyString } from './validate';

/** The share of a code's characters all coders must have coded for a passage to count as agreed. */
export const defaultAgreedOverlapRatioMin = 0.9;

export interface PassageInput {
  /** Length of the transcript's canonical text (UTF-16 code units, SPEC C1). */
  textLength: number;
  /** The text itself, optional: with it, offsets that split a surrogate pair are refused. */
  text?: string;
  /** Codings of the coders' layers (not the consensus layer); only those on their words (K5). */
  codings: readonly ReconcileCoding[];
  /** The coders being reconciled; codings of anyone else are left out (and counted). */
  coders: readonly string[];
  /**
   * Per-code agreement to order by, e.g. alpha from the agreement report's `byCode`; a code that
   * is absent or null counts as unknown. Without it a per-code overlap ratio is computed.
   */
  codeAgreement?: Readonly<Record<string, number | null>>;
  agreedOverlapRatioMin?: number;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const byPosition = (a: ReconcileCoding, b: ReconcileCoding) =>
  a.start - b.start || a.end - b.end || byString(a.codeId, b.codeId) || byString(a.id, b.id);

function checkInput(input: PassageInput): { text: string | null; coders: string[]; ratioMin: number } {
  if (!Number.isInteger(input.textLength) || input.textLength < 0)
    throw new ReconcileError('invalid_input', `textLength must be a non-negative integer (got ${String(input.textLength)})`, 'textLength');
  const text = input.text ?? null;
  if (text !== null && text.length !== input.textLength)
    throw new ReconcileError('invalid_input', `text has ${text.length} code units but textLength is ${input.textLength}`, 'text');
  if (!Array.isArray(input.coders) || input.coders.length === 0)
    throw new ReconcileError('invalid_input', 'coders must list at least one coder', 'coders');
  const coders = input.coders.map((coder, index) => requireNonEmptyString(coder, `coders[${index}]`));
  if (new Set(coders).size !== coders.length) throw new ReconcileError('invalid_input', 'coders lists a coder twice', 'coders');
  const ratioMin = input.agreedOverlapRatioMin ?? defaultAgreedOverlapRatioMin;
  if (typeof ratioMin !== 'number' || !(ratioMin > 0 && ratioMin <= 1))
    throw new ReconcileError('invalid_input', `agreedOverlapRatioMin must be a number in (0, 1] (got ${String(ratioMin)})`, 'agreedOverlapRatioMin');
  for (const [codeId, value] of Object.entries(input.codeAgreement ?? {}))
    if (value !== null && !Number.isFinite(value))
      throw new ReconcileError('invalid_input', `codeAgreement["${codeId}"] must be a finite number or null (got ${String(value)})`, 'codeAgreement');
  const ids = new Set<string>();
  input.codings.forEach((coding, index) => {
    const field = `codings[${index}]`;
    requireNonEmptyString(coding?.id, `${field}.id`);
    requireNonEmptyString(coding.coder, `${field}.coder`);
    requireNonEmptyString(coding.codeId, `${field}.codeId`);
    checkRange(coding.start, coding.end, input.textLength, text, `${field} (id "${coding.id}")`);
    if (ids.has(coding.id)) throw new ReconcileError('duplicate_id', `${field}: coding id "${coding.id}" appears twice`, `${field}.id`);
    ids.add(coding.id);
  });
  return { text, coders, ratioMin };
}

/** Codings sorted by position, cut wherever the next coding starts at or after everything so far has ended. */
function groupIntoPassages(sorted: readonly ReconcileCoding[]): ReconcileCoding[][] {
  const groups: ReconcileCoding[][] = [];
  let current: ReconcileCoding[] = [];
  let currentEnd = -1;
  for (const coding of sorted) {
    if (current.length > 0 && coding.start < currentEnd) {
      current.push(coding);
      if (coding.end > currentEnd) currentEnd = coding.end;
    } else {
      if (current.length > 0) groups.push(current);
      current = [coding];
      currentEnd = coding.end;
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Whether every element of `small` is in `large` (both sorted). */
function isSubset(small: readonly string[], large: readonly string[]): boolean {
  let j = 0;
  for (const item of small) {
    while (j < large.length && large[j] < item) j += 1;
    if (j === large.length || large[j] !== item) return false;
    j += 1;
  }
  return true;
}

/** Per-code character counts over the transcript, for the computed agreement measure. */
interface CodeTally {
  codings: number;
  everyCoderLength: number;
  anyCoderLength: number;
}

/** Adds a span to a coverage built in order of start (members arrive sorted), joining it to the last one when they meet. */
function extendCoverage(spans: TextSpan[], coding: ReconcileCoding): void {
  const last = spans[spans.length - 1];
  if (last && coding.start <= last.end) {
    if (coding.end > last.end) last.end = coding.end;
  } else spans.push({ start: coding.start, end: coding.end });
}

/** One code inside one passage while its members are read: each coder's coverage and everyone's. */
interface CodeAccumulator {
  perCoder: TextSpan[][];
  any: TextSpan[];
  codings: number;
}

/** A passage of the member codings; its `impact` is filled in once every passage has been tallied. */
function examinePassage(members: readonly ReconcileCoding[], coders: readonly string[], coderIndex: ReadonlyMap<string, number>, ratioMin: number, tallies: Map<string, CodeTally>): Passage {
  const versions: CoderVersion[] = coders.map((coder) => ({ coder, codings: [] }));
  // Members are in position order, so every coverage grows at its end: no sorting per passage.
  const accumulators = new Map<string, CodeAccumulator>();
  let end = members[0].end;
  for (const coding of members) {
    const column = coderIndex.get(coding.coder) as number;
    versions[column].codings.push(coding);
    let accumulator = accumulators.get(coding.codeId);
    if (!accumulator) {
      accumulator = { perCoder: coders.map(() => []), any: [], codings: 0 };
      accumulators.set(coding.codeId, accumulator);
    }
    extendCoverage(accumulator.perCoder[column], coding);
    extendCoverage(accumulator.any, coding);
    accumulator.codings += 1;
    if (coding.end > end) end = coding.end;
  }

  const codeIds = [...accumulators.keys()].sort(byString);
  const codeSets: string[][] = coders.map(() => []);
  let boundary = false;
  const codes: CodeInPassage[] = codeIds.map((codeId) => {
    const { perCoder, any, codings } = accumulators.get(codeId) as CodeAccumulator;
    const users: string[] = [];
    let common: TextSpan[] | null = null;
    for (let column = 0; column < coders.length; column++) {
      const covered = perCoder[column];
      if (covered.length === 0) continue;
      users.push(coders[column]);
      codeSets[column].push(codeId);
      common = common === null ? covered : intersectCoverages(common, covered);
    }
    const commonLength = coveredLength(common ?? []);
    const anyLength = coveredLength(any);
    const overlapRatio = commonLength / anyLength;
    if (users.length >= 2 && overlapRatio < ratioMin) boundary = true;
    const tally = tallies.get(codeId);
    const everyCoderLength = users.length === coders.length ? commonLength : 0;
    if (tally) {
      tally.codings += codings;
      tally.anyCoderLength += anyLength;
      tally.everyCoderLength += everyCoderLength;
    } else tallies.set(codeId, { codings, anyCoderLength: anyLength, everyCoderLength });
    return { codeId, coders: users, overlapRatio, agreed: users.length === coders.length && overlapRatio >= ratioMin };
  });

  const found = new Set<DisagreementKind>();
  if (versions.some((version) => version.codings.length === 0)) found.add('missing');
  const coded = codeSets.filter((set) => set.length > 0);
  for (let a = 0; a < coded.length; a++)
    for (let b = a + 1; b < coded.length; b++) {
      const aInB = isSubset(coded[a], coded[b]);
      const bInA = isSubset(coded[b], coded[a]);
      if (!aInB && !bInA) found.add('different-code');
      else if (aInB !== bInA) found.add('overlapping-codes');
    }
  if (boundary) found.add('boundary');
  const kinds = disagreementKinds.filter((kind) => found.has(kind));

  const byId = [...members].sort((a, b) => byString(a.id, b.id));
  const id = new StableHasher();
  const revision = new StableHasher();
  for (const coding of byId) {
    id.string(coding.id);
    revision.string(coding.id).string(coding.coder).string(coding.codeId).integer(coding.start).integer(coding.end);
  }
  return {
    id: `p-${id.digest()}`,
    revision: revision.digest(),
    start: members[0].start,
    end,
    versions,
    codes,
    agreed: kinds.length === 0,
    kinds,
    impact: { codeId: codeIds[0], agreement: null, codings: 0 },
  };
}

/**
 * Passages of one transcript and its disagreements in impact order: by the passage's ranking code
 * — the one of its codes with the lowest agreement (unknown agreement after every known one), then
 * the most codings in the transcript, then code id — in that same order of codes, then by
 * position (start, end) and id. Passages of the worst code come first, in reading order.
 */
export function findPassages(input: PassageInput): TranscriptPassages {
  const { text, coders, ratioMin } = checkInput(input);
  const coderIndex = new Map(coders.map((coder, index) => [coder, index]));
  const inScope = input.codings.filter((coding) => coderIndex.has(coding.coder));
  const sorted = [...inScope].sort(byPosition);
  const tallies = new Map<string, CodeTally>();
  const passages = groupIntoPassages(sorted).map((members) => examinePassage(members, coders, coderIndex, ratioMin, tallies));

  const given = input.codeAgreement;
  const codes: CodeStanding[] = [...tallies.entries()].map(([codeId, tally]) => ({
    codeId,
    agreement: given ? (given[codeId] ?? null) : tally.everyCoderLength / tally.anyCoderLength,
    agreementSource: given ? 'given' : 'computed',
    codings: tally.codings,
  }));
  codes.sort(
    (a, b) =>
      Number(a.agreement === null) - Number(b.agreement === null) ||
      (a.agreement ?? 0) - (b.agreement ?? 0) ||
      b.codings - a.codings ||
      byString(a.codeId, b.codeId),
  );
  const rank = new Map(codes.map((code, index) => [code.codeId, index]));
  // Filled in place rather than copied: the passages were made here and nobody else holds them yet.
  const passageRank = new Map<Passage, number>();
  for (const passage of passages) {
    let best = rank.get(passage.codes[0].codeId) as number;
    for (const code of passage.codes) best = Math.min(best, rank.get(code.codeId) as number);
    const standing = codes[best];
    passage.impact = { codeId: standing.codeId, agreement: standing.agreement, codings: standing.codings };
    passageRank.set(passage, best);
  }
  const disagreements = passages
    .filter((passage) => !passage.agreed)
    .sort(
      (a, b) =>
        (passageRank.get(a) as number) - (passageRank.get(b) as number) || a.start - b.start || a.end - b.end || byString(a.id, b.id),
    );
  return {
    textLength: input.textLength,
    text,
    coders,
    agreedOverlapRatioMin: ratioMin,
    passages,
    disagreements,
    codes,
    outOfScopeCodings: input.codings.length - inScope.length,
  };
}

/** The passage with this id, or a refusal saying it is gone (its codings changed since it was listed). */
export function passageById(analysis: TranscriptPassages, id: string): Passage {
  const passage = analysis.passages.find((candidate) => candidate.id === id);
  if (!passage)
    throw new ReconcileError('unknown_disagreement', `no passage "${id}" in this transcript: its codings changed since it was listed`, 'disagreementId');
  return passage;
}
