/**
 * Reconciliation core: find where coders disagree, merge their codings into the consensus layer,
 * and record every decision. Pure and deterministic, shared by the server and the page.
 */
export { type AutoMergePlan, autoMergeUndo, type PlannedConsensusCoding, planAutoMerge } from './autoMerge';
export {
  acceptedVersion,
  type ConsensusCoding,
  consensusFor,
  type DecisionContext,
  type DecisionRecord,
  decide,
  intersectionVersion,
  type MergeAction,
  type RecordedAction,
  recodedVersion,
  unionVersion,
  type VersionAction,
} from './merge';
export { defaultAgreedOverlapRatioMin, findPassages, type PassageInput, passageById } from './passages';
export * from './types';
export { codingsWrittenBy, type ExistingConsensusCoding, type WrittenCodingsNow, writtenCodingsNow } from './written';
