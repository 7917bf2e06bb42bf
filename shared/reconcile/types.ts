/**
 * The vocabulary of reconciliation: coders' codings as the core sees them, passages where they
 * meet, the kinds of disagreement, and the one error type every refusal uses.
 */

/** One coding of one coder, resolved to canonical offsets (SPEC C1); only codings on their words (K5). */
export interface ReconcileCoding {
  id: string;
  coder: string;
  codeId: string;
  start: number;
  end: number;
}

/**
 * Why coders differ in a passage; a passage can show several at once.
 * - `missing`: some coder in scope coded nothing there.
 * - `different-code`: two coders each applied a code there that the other did not (neither's set
 *   of codes contains the other's).
 * - `overlapping-codes`: one coder applied more codes there than another who coded it too (the
 *   other's set is a proper subset).
 * - `boundary`: coders applied the same code, but the characters they all coded with it are less
 *   than the agreement threshold of the characters any of them coded with it.
 */
export type DisagreementKind = 'missing' | 'different-code' | 'overlapping-codes' | 'boundary';

/** The order kinds are listed in, most fundamental first. */
export const disagreementKinds: readonly DisagreementKind[] = ['missing', 'different-code', 'overlapping-codes', 'boundary'];

/** What one coder had in a passage, sorted by start, end, code and id; empty when they coded nothing. */
export interface CoderVersion {
  coder: string;
  codings: ReconcileCoding[];
}

/** One code's standing inside a passage. */
export interface CodeInPassage {
  codeId: string;
  /** The coders who applied it here, in scope order. */
  coders: string[];
  /** Characters all of those coders coded with it / characters any of them did (1 for a single coder). */
  overlapRatio: number;
  /** Every coder in scope applied it here and `overlapRatio` reaches the threshold. */
  agreed: boolean;
}

/** The code that ranks a passage in the navigator, with the two numbers it is ranked by. */
export interface PassageImpact {
  codeId: string;
  /** Per-code agreement (given by the caller, or computed; see CodeStanding); null when unknown. */
  agreement: number | null;
  /** Codings of this code in the transcript, all coders in scope together. */
  codings: number;
}

/**
 * A maximal stretch of text covered by at least one coding of a coder in scope: codings that
 * overlap by one code unit or more, directly or through others, of any coder and any code, land
 * in one passage. Touching codings (one ends where the next starts) do not join.
 */
export interface Passage {
  /** Stable: derived from the ids of the member codings, so it survives re-runs and input order. */
  id: string;
  /** Changes whenever a member's code or range changes, so a decision can be checked for staleness. */
  revision: string;
  start: number;
  end: number;
  /** One entry per coder in scope, in scope order. */
  versions: CoderVersion[];
  /** The codes applied here, sorted by id. */
  codes: CodeInPassage[];
  /** Every coder applied the same codes with enough overlap: `kinds` is empty exactly then. */
  agreed: boolean;
  /** The disagreements present, in `disagreementKinds` order. */
  kinds: DisagreementKind[];
  impact: PassageImpact;
}

/** A code's place in the navigator order. */
export interface CodeStanding {
  codeId: string;
  agreement: number | null;
  /**
   * `given`: the caller's per-code agreement (e.g. the report's alpha); `computed`: the characters
   * every coder in scope coded with the code / the characters any coder did, over the transcript.
   */
  agreementSource: 'given' | 'computed';
  codings: number;
}

/** Everything the navigator and the merge actions need about one transcript. */
export interface TranscriptPassages {
  textLength: number;
  /** The text when the caller gave it (used to refuse ranges that split a character). */
  text: string | null;
  coders: string[];
  agreedOverlapRatioMin: number;
  /** All passages, agreed or not, in text order. */
  passages: Passage[];
  /** The passages that are not agreed, in impact order (see findPassages). */
  disagreements: Passage[];
  /** The codes, in the order their passages are listed. */
  codes: CodeStanding[];
  /** Codings of coders outside the scope, left out of every passage. */
  outOfScopeCodings: number;
}

export type ReconcileErrorCode =
  | 'invalid_input'
  | 'empty_range'
  | 'out_of_range'
  | 'splits_character'
  | 'duplicate_id'
  | 'unknown_coder'
  | 'unknown_disagreement'
  | 'stale_disagreement';

/** A refusal of bad input, naming the field; the code doubles as a REST error code. */
export class ReconcileError extends Error {
  constructor(
    readonly code: ReconcileErrorCode,
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'ReconcileError';
  }
}
