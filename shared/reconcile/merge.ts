/**
 * The adjudicator's merge actions: pure functions from a passage and the action's parameters to the
 * consensus codings to write, plus a decision record of who decided what, when, why, and what each
 * coder had — the trail that is stored and exported with the consensus layer.
 *
 * Union and intersection work per code on coverage (the characters a coder's codings of that code
 * cover), so they never invent a boundary: every result ends where some coder's coding ended, and
 * offsets between the halves of an emoji cannot arise from them.
 */
import { passageById } from './passages';
import { coverage, intersectCoverages, type TextSpan } from './ranges';
import { type Passage, ReconcileError, type TranscriptPassages } from './types';
import { checkCoderSubset, checkRange, requireNonEmptyString } from './validate';

/** A coding to write into the consensus layer. */
export interface ConsensusCoding {
  codeId: string;
  start: number;
  end: number;
}

/** The actions that yield a whole version of the passage (the ones `recode` can start from). */
export type VersionAction =
  /** Exactly this coder's codings. */
  | { action: 'accept-coder'; coder: string }
  /** Per code, everything any of the coders (default: all in scope) coded, as the fewest codings. */
  | { action: 'union'; coders?: readonly string[] }
  /** Per code, only what all of the coders (default: all in scope) coded; a code one of them lacks yields nothing. */
  | { action: 'intersection'; coders?: readonly string[] };

export type MergeAction =
  | VersionAction
  /** One coding the adjudicator drew; it must overlap the passage. */
  | { action: 'custom-range'; codeId: string; start: number; end: number }
  /** A version with every coding given this code (overlaps then joined). */
  | { action: 'recode'; codeId: string; from: VersionAction }
  /** Nothing goes to consensus. */
  | { action: 'discard' };

/** The action as recorded: coder lists filled in, so the trail never depends on a default. */
export type RecordedAction =
  | { action: 'accept-coder'; coder: string }
  | { action: 'union'; coders: string[] }
  | { action: 'intersection'; coders: string[] }
  | { action: 'custom-range'; codeId: string; start: number; end: number }
  | { action: 'recode'; codeId: string; from: RecordedAction }
  | { action: 'discard' }
  /** The auto-merge of an agreed passage: the intersection of all coders, per code. */
  | { action: 'auto-merge'; agreedOverlapRatioMin: number };

export interface DecisionContext {
  /** Who decided (user id). */
  decidedBy: string;
  /** When, as an ISO 8601 timestamp; passed in so the core stays deterministic. */
  decidedAt: string;
  rationale?: string | null;
  /** The passage revision the adjudicator looked at; a different current revision is refused. */
  expectedRevision?: string;
}

/** One decision, as stored and exported: plain JSON. */
export interface DecisionRecord {
  disagreementId: string;
  revision: string;
  start: number;
  end: number;
  kinds: Passage['kinds'];
  action: RecordedAction;
  rationale: string | null;
  decidedBy: string;
  decidedAt: string;
  /** What each coder in scope had in the passage (an empty list: nothing). */
  coderVersions: { coder: string; codings: { id: string; codeId: string; start: number; end: number }[] }[];
  /** The codings the decision writes into the consensus layer. */
  consensus: ConsensusCoding[];
}

const byPositionThenCode = (a: ConsensusCoding, b: ConsensusCoding) =>
  a.start - b.start || a.end - b.end || (a.codeId < b.codeId ? -1 : a.codeId > b.codeId ? 1 : 0);

/** Each code's spans as a coverage, flattened back into sorted consensus codings. */
function perCodeCoverage(spansByCode: ReadonlyMap<string, TextSpan[]>): ConsensusCoding[] {
  const codings: ConsensusCoding[] = [];
  for (const [codeId, spans] of spansByCode) for (const span of coverage(spans)) codings.push({ codeId, start: span.start, end: span.end });
  return codings.sort(byPositionThenCode);
}

function versionOf(passage: Passage, coder: string) {
  return passage.versions.find((version) => version.coder === coder)?.codings ?? [];
}

/** Exactly the coder's codings in the passage, one consensus coding each. */
export function acceptedVersion(passage: Passage, coder: string): ConsensusCoding[] {
  return versionOf(passage, coder).map((coding) => ({ codeId: coding.codeId, start: coding.start, end: coding.end }));
}

/** Per code, the characters any of `coders` coded with it, as the fewest codings. */
export function unionVersion(passage: Passage, coders: readonly string[]): ConsensusCoding[] {
  const spansByCode = new Map<string, TextSpan[]>();
  for (const coder of coders)
    for (const coding of versionOf(passage, coder)) {
      const spans = spansByCode.get(coding.codeId) ?? [];
      spans.push(coding);
      spansByCode.set(coding.codeId, spans);
    }
  return perCodeCoverage(spansByCode);
}

/** Per code, the characters every one of `coders` coded with it. */
export function intersectionVersion(passage: Passage, coders: readonly string[]): ConsensusCoding[] {
  const codings: ConsensusCoding[] = [];
  for (const { codeId } of passage.codes) {
    let common: TextSpan[] | null = null;
    for (const coder of coders) {
      const covered = coverage(versionOf(passage, coder).filter((coding) => coding.codeId === codeId));
      common = common === null ? covered : intersectCoverages(common, covered);
      if (common.length === 0) break;
    }
    for (const span of common ?? []) codings.push({ codeId, start: span.start, end: span.end });
  }
  return codings.sort(byPositionThenCode);
}

/** The version's codings all given `codeId`; codings that now share a code and overlap are joined. */
export function recodedVersion(version: readonly ConsensusCoding[], codeId: string): ConsensusCoding[] {
  return perCodeCoverage(new Map([[codeId, [...version]]]));
}

function resolveVersion(analysis: TranscriptPassages, passage: Passage, action: VersionAction, field: string): { recorded: RecordedAction; consensus: ConsensusCoding[] } {
  switch (action?.action) {
    case 'accept-coder': {
      const [coder] = checkCoderSubset([action.coder], analysis.coders, `${field}.coder`);
      return { recorded: { action: 'accept-coder', coder }, consensus: acceptedVersion(passage, coder) };
    }
    case 'union': {
      const coders = checkCoderSubset(action.coders ?? analysis.coders, analysis.coders, `${field}.coders`);
      return { recorded: { action: 'union', coders }, consensus: unionVersion(passage, coders) };
    }
    case 'intersection': {
      const coders = checkCoderSubset(action.coders ?? analysis.coders, analysis.coders, `${field}.coders`);
      return { recorded: { action: 'intersection', coders }, consensus: intersectionVersion(passage, coders) };
    }
    default:
      throw new ReconcileError('invalid_input', `${field}: unknown action ${JSON.stringify((action as { action?: unknown } | undefined)?.action)}`, field);
  }
}

/** The consensus codings an action yields on a passage, with the action as it is recorded. */
export function consensusFor(analysis: TranscriptPassages, passage: Passage, action: MergeAction): { recorded: RecordedAction; consensus: ConsensusCoding[] } {
  switch (action?.action) {
    case 'custom-range': {
      const codeId = requireNonEmptyString(action.codeId, 'action.codeId');
      checkRange(action.start, action.end, analysis.textLength, analysis.text, 'action');
      if (action.end <= passage.start || action.start >= passage.end)
        throw new ReconcileError(
          'out_of_range',
          `action: ${action.start}–${action.end} does not overlap the passage (${passage.start}–${passage.end})`,
          'action',
        );
      return { recorded: { action: 'custom-range', codeId, start: action.start, end: action.end }, consensus: [{ codeId, start: action.start, end: action.end }] };
    }
    case 'recode': {
      const codeId = requireNonEmptyString(action.codeId, 'action.codeId');
      const from = resolveVersion(analysis, passage, action.from ?? ({} as VersionAction), 'action.from');
      return { recorded: { action: 'recode', codeId, from: from.recorded }, consensus: recodedVersion(from.consensus, codeId) };
    }
    case 'discard':
      return { recorded: { action: 'discard' }, consensus: [] };
    default:
      return resolveVersion(analysis, passage, action, 'action');
  }
}

/** The context checked and the rationale trimmed (blank means none). */
export function checkContext(context: DecisionContext): { decidedBy: string; decidedAt: string; rationale: string | null } {
  const decidedBy = requireNonEmptyString(context?.decidedBy, 'decidedBy');
  const decidedAt = requireNonEmptyString(context.decidedAt, 'decidedAt');
  if (Number.isNaN(Date.parse(decidedAt)))
    throw new ReconcileError('invalid_input', `decidedAt must be an ISO 8601 timestamp (got ${JSON.stringify(decidedAt)})`, 'decidedAt');
  const rationale = context.rationale ?? null;
  if (rationale !== null && typeof rationale !== 'string') throw new ReconcileError('invalid_input', 'rationale must be a string', 'rationale');
  return { decidedBy, decidedAt, rationale: rationale?.trim() ? rationale.trim() : null };
}

/** The decision record of an action on a passage; `consensus` is what to write. */
export function decisionRecord(passage: Passage, recorded: RecordedAction, consensus: ConsensusCoding[], context: ReturnType<typeof checkContext>): DecisionRecord {
  return {
    disagreementId: passage.id,
    revision: passage.revision,
    start: passage.start,
    end: passage.end,
    kinds: [...passage.kinds],
    action: recorded,
    rationale: context.rationale,
    decidedBy: context.decidedBy,
    decidedAt: context.decidedAt,
    coderVersions: passage.versions.map((version) => ({
      coder: version.coder,
      codings: version.codings.map((coding) => ({ id: coding.id, codeId: coding.codeId, start: coding.start, end: coding.end })),
    })),
    consensus,
  };
}

/**
 * Decides one passage (by id, as the navigator listed it): the consensus codings to write and the
 * record to keep. Refuses an unknown passage, a stale revision, and bad parameters, naming the field.
 */
export function decide(analysis: TranscriptPassages, disagreementId: string, action: MergeAction, context: DecisionContext): DecisionRecord {
  const passage = passageById(analysis, disagreementId);
  const checked = checkContext(context);
  if (context.expectedRevision !== undefined && context.expectedRevision !== passage.revision)
    throw new ReconcileError(
      'stale_disagreement',
      `passage "${passage.id}" changed since it was shown (revision ${context.expectedRevision}, now ${passage.revision})`,
      'expectedRevision',
    );
  const { recorded, consensus } = consensusFor(analysis, passage, action);
  return decisionRecord(passage, recorded, consensus, checked);
}
