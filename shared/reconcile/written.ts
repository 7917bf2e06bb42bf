/**
 * What became of the consensus codings a decision or an auto-merge wrote. Taking them back (an
 * undone auto-merge, SPEC Q5; a superseded decision, Q6) removes only those still exactly as
 * written: one whose code or range someone changed since is someone's later work, and is kept.
 */
import type { ConsensusCoding, DecisionRecord } from './merge';

/** A coding of the consensus layer as the caller reads it back. */
export interface ExistingConsensusCoding extends ConsensusCoding {
  id: string;
}

export interface WrittenCodingsNow {
  /** Still there with the code and range they were written with. */
  unchanged: string[];
  /** Still there, but their code or range changed since. */
  edited: string[];
  /** No longer in the layer. */
  gone: string[];
}

/** Each written coding (in the order given) classified against the consensus layer as it is now. */
export function writtenCodingsNow(written: readonly ExistingConsensusCoding[], consensus: readonly ExistingConsensusCoding[]): WrittenCodingsNow {
  const current = new Map(consensus.map((coding) => [coding.id, coding]));
  const result: WrittenCodingsNow = { unchanged: [], edited: [], gone: [] };
  for (const coding of written) {
    const now = current.get(coding.id);
    if (!now) result.gone.push(coding.id);
    else if (now.codeId !== coding.codeId || now.start !== coding.start || now.end !== coding.end) result.edited.push(coding.id);
    else result.unchanged.push(coding.id);
  }
  return result;
}

/** The codings a decision wrote, each under the id it was written with. */
export function codingsWrittenBy(decision: Pick<DecisionRecord, 'consensus'> & { consensusCodingIds: readonly string[] }): ExistingConsensusCoding[] {
  return decision.consensus.map((coding, index) => ({ id: decision.consensusCodingIds[index], codeId: coding.codeId, start: coding.start, end: coding.end }));
}
