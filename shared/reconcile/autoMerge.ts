/**
 * Auto-merge: every agreed passage goes to consensus in one action, previewed first and undoable.
 *
 * An agreed passage's consensus is, per code, the intersection of all coders' coverage: the text
 * every coder endorsed. Its boundaries are boundaries some coder drew (so they sit on whole
 * characters and on the trimmed words the editor produced), and at the default threshold it keeps
 * at least 90 % of what anyone coded. A median boundary would be a new, unendorsed offset and, for
 * an even number of coders, could fall inside a word or an emoji.
 *
 * Planned codings get ids derived from their passage's revision, code and range, so a plan is
 * reproducible, writing it twice by id is idempotent, and undo knows exactly what it wrote.
 */
import { checkContext, type ConsensusCoding, type DecisionContext, type DecisionRecord, decisionRecord, intersectionVersion } from './merge';
import { StableHasher } from './stableId';
import type { TranscriptPassages } from './types';
import { type ExistingConsensusCoding, writtenCodingsNow } from './written';

/** A consensus coding the plan writes, with the id to write it under. */
export interface PlannedConsensusCoding extends ConsensusCoding {
  id: string;
  disagreementId: string;
}

export interface AutoMergePlan {
  agreedOverlapRatioMin: number;
  /** One decision per agreed passage, in text order. */
  entries: { record: DecisionRecord; codings: PlannedConsensusCoding[] }[];
  /** Every coding to write, in text order. */
  codings: PlannedConsensusCoding[];
}

/**
 * The preview of an auto-merge: each agreed passage's intersection and decision record. Passages
 * named in `skip` (already decided by an adjudicator) are left alone.
 */
export function planAutoMerge(analysis: TranscriptPassages, context: Omit<DecisionContext, 'expectedRevision'>, skip: Iterable<string> = []): AutoMergePlan {
  const percent = Math.round(analysis.agreedOverlapRatioMin * 100);
  const checked = checkContext({
    ...context,
    rationale: context.rationale ?? `auto-merge: every coder applied the same codes here, each overlapping by at least ${percent} %`,
  });
  const skipped = new Set(skip);
  const entries: AutoMergePlan['entries'] = [];
  for (const passage of analysis.passages) {
    if (!passage.agreed || skipped.has(passage.id)) continue;
    const consensus = intersectionVersion(passage, analysis.coders);
    const record = decisionRecord(passage, { action: 'auto-merge', agreedOverlapRatioMin: analysis.agreedOverlapRatioMin }, consensus, checked);
    const codings = consensus.map((coding) => ({
      ...coding,
      id: `auto-${new StableHasher().string(passage.revision).string(coding.codeId).integer(coding.start).integer(coding.end).digest()}`,
      disagreementId: passage.id,
    }));
    entries.push({ record, codings });
  }
  return { agreedOverlapRatioMin: analysis.agreedOverlapRatioMin, entries, codings: entries.flatMap((entry) => entry.codings) };
}

/**
 * The inverse of an applied plan against the consensus layer as it is now: remove exactly the
 * planned codings still there. Those whose code or range changed since (someone edited them after
 * the merge) are also in `editedSince`, so the page can say what undoing would take away; planned
 * codings no longer present are in `alreadyRemoved`. Nothing else in the layer is touched.
 */
export function autoMergeUndo(plan: AutoMergePlan, consensus: readonly ExistingConsensusCoding[]): { remove: string[]; editedSince: string[]; alreadyRemoved: string[] } {
  const now = writtenCodingsNow(plan.codings, consensus);
  const gone = new Set(now.gone);
  return { remove: plan.codings.map((coding) => coding.id).filter((id) => !gone.has(id)), editedSince: now.edited, alreadyRemoved: now.gone };
}
