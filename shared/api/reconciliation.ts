/**
 * The reconciliation API (SPEC Q1–Q6): request bodies as zod schemas the server validates with,
 * and the response types the client reads. Limits come from the server's one config object.
 */
import { z } from 'zod';
import type { CodeInPassage, CodeStanding, DisagreementKind, PassageImpact } from '../reconcile';
import type { MergeUndo, StoredClaim, StoredDecision, StoredMerge } from '../collab/schema';

export interface ReconciliationRequestLimits {
  memoMaxChars: number;
}

const coderId = z.string().min(1).max(100);
const codeId = z.string().min(1).max(100);
const offset = z.number().int('must be a whole number').min(0, 'must be 0 or more');
const coderList = z.array(coderId).min(1, 'name at least one coder').max(100);

/** The actions that yield a whole version of the passage, which `recode` can start from. */
const versionAction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('accept'), coder: coderId }),
  z.strictObject({ kind: z.literal('union'), coders: coderList.optional() }),
  z.strictObject({ kind: z.literal('intersection'), coders: coderList.optional() }),
]);

export function reconciliationSchemas(limits: ReconciliationRequestLimits) {
  const action = z.discriminatedUnion('kind', [
    ...versionAction.options,
    z.strictObject({ kind: z.literal('custom'), codeId, start: offset, end: offset }),
    z.strictObject({ kind: z.literal('recode'), codeId, from: versionAction }),
    z.strictObject({ kind: z.literal('discard') }),
  ]);
  const ratio = z.number().gt(0, 'must be above 0').max(1, 'must be at most 1');
  return {
    decide: z.strictObject({
      action,
      rationale: z.string().max(limits.memoMaxChars, `at most ${limits.memoMaxChars} characters`).optional(),
      /** The passage revision the adjudicator looked at: a different one now is refused (409 stale_disagreement). */
      revision: z.string().min(1).max(100).optional(),
      /**
       * Changes the passage's decision: the id of the decision in force, which this one replaces
       * (SPEC Q6). Without it a passage already decided is refused (409 already_decided).
       */
      supersedes: z.string().min(1).max(100).optional(),
    }),
    autoMergePreview: z.strictObject({ agreedOverlapRatioMin: ratio.optional() }),
    autoMergeApply: z.strictObject({
      /** The plan the preview showed; a different plan now is refused (409 plan_changed). */
      planId: z.string().min(1).max(100),
      agreedOverlapRatioMin: ratio.optional(),
    }),
    roundAutoMergeApply: z.strictObject({
      /** Per transcript, the plan its preview showed. */
      planIds: z.record(z.string().min(1).max(100), z.string().min(1).max(100)),
      agreedOverlapRatioMin: ratio.optional(),
    }),
  };
}

export type ReconciliationSchemas = ReturnType<typeof reconciliationSchemas>;
export type DecideBody = z.infer<ReconciliationSchemas['decide']>;
export type DecisionAction = DecideBody['action'];

/** Whose codings are compared: listed coders on live layers, or a calibration round's coders (frozen once it closed). */
export type ReconcileScope = { coders?: string[]; roundId?: string };

export interface CoderRef {
  id: string;
  name: string;
}

export interface VersionCodingView {
  id: string;
  codeId: string;
  start: number;
  end: number;
  text: string;
}

export type DisagreementState =
  /** No decision yet. */
  | 'open'
  /** Decided on exactly the codings shown. */
  | 'resolved'
  /** Decided, but a coder changed their codings here since: decide again. */
  | 'changed';

export interface DisagreementView {
  id: string;
  revision: string;
  start: number;
  end: number;
  text: string;
  kinds: DisagreementKind[];
  impact: PassageImpact;
  codes: CodeInPassage[];
  /** Every coder in scope, in scope order, side by side (an empty list: nothing here). */
  versions: { coder: string; codings: VersionCodingView[] }[];
  state: DisagreementState;
  /** This passage's decisions, oldest first, superseded and undone ones included. */
  decisions: StoredDecision[];
  /** The id of the decision in force (the one a change must supersede); null when there is none. */
  inForce: string | null;
  /** Who works on it now (unexpired claims only). */
  claim: StoredClaim | null;
}

export interface DisagreementList {
  documentId: string;
  roundId: string | null;
  coders: CoderRef[];
  agreedOverlapRatioMin: number;
  /** Codes in the order their passages are listed. */
  codes: CodeStanding[];
  /** Passages every coder agrees on (auto-merge takes these). */
  agreedPassages: number;
  progress: { resolved: number; total: number };
  disagreements: DisagreementView[];
}

/** What changing a decision did to the codings of the one it superseded (SPEC Q6). */
export interface SupersededResult {
  decisionId: string;
  /** Its consensus codings still as it wrote them: removed. */
  removed: string[];
  /** Its consensus codings someone changed since: kept. */
  keptEdited: string[];
  /** Its consensus codings someone had already removed. */
  alreadyRemoved: string[];
}

export interface DecisionResult {
  decision: StoredDecision;
  progress: { resolved: number; total: number };
  /** Set when the decision superseded another. */
  superseded: SupersededResult | null;
}

export interface AutoMergePreview {
  documentId: string;
  planId: string;
  agreedOverlapRatioMin: number;
  coders: CoderRef[];
  /** One per agreed passage not decided yet, in text order, with the codings it would write. */
  passages: { disagreementId: string; start: number; end: number; codings: (VersionCodingView & { disagreementId: string })[] }[];
  codings: number;
}

export interface AutoMergeResult {
  documentId: string;
  mergeId: string;
  decisions: number;
  codings: number;
}

export interface AutoMergeUndoResult extends MergeUndo {
  mergeId: string;
  /**
   * The merge's decisions that a later decision superseded: their codings belong to that change
   * now (removed by it, or kept as edited), so the undo left them alone (SPEC Q6).
   */
  supersededDecisions: string[];
}

export interface DecisionTrail {
  documentId: string;
  decisions: StoredDecision[];
  merges: StoredMerge[];
}
