/**
 * Auto-merge: the plan takes exactly the agreed passages, each as the intersection of all coders,
 * is reproducible and independent of input order, and its undo restores the consensus layer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoMergeUndo, type ExistingConsensusCoding, findPassages, planAutoMerge } from '../../shared/reconcile/index';
import { characterMask, knownTranscript, maskAnd, permuted, randomTranscript } from './generators';

const context = { decidedBy: 'lead', decidedAt: '2026-03-04T10:00:00.000Z' };

/** Writing a plan as the caller would: upsert its codings by id into the consensus layer. */
function apply(consensus: readonly ExistingConsensusCoding[], codings: readonly ExistingConsensusCoding[]): ExistingConsensusCoding[] {
  const byId = new Map(consensus.map((coding) => [coding.id, coding]));
  for (const { id, codeId, start, end } of codings) byId.set(id, { id, codeId, start, end });
  return [...byId.values()];
}

const existingConsensus = fc.array(
  fc.record({ codeId: fc.constantFrom('access', 'budget'), start: fc.nat(100), length: fc.integer({ min: 1, max: 30 }) }),
  { maxLength: 6 },
).map((pieces) => pieces.map((piece, index) => ({ id: `manual-${index}`, codeId: piece.codeId, start: piece.start, end: piece.start + piece.length })));

describe('auto-merge', () => {
  it('takes exactly the passages built to agree, and nothing from the others', () => {
    fc.assert(
      fc.property(knownTranscript, ({ textLength, coders, codings, known }) => {
        const analysis = findPassages({ textLength, coders, codings });
        const plan = planAutoMerge(analysis, context);
        const agreedBlocks = known.filter((block) => block.kind === 'agreed');
        // One passage per block, in block order (the finder's own property test shows it).
        expect(analysis.passages).toHaveLength(known.length);
        expect(plan.entries.map((entry) => entry.record.disagreementId)).toEqual(
          analysis.passages.filter((_, index) => known[index].kind === 'agreed').map((passage) => passage.id),
        );
        for (const block of agreedBlocks) {
          const planned = plan.codings.filter((coding) => coding.start >= block.start && coding.end <= block.end);
          const inBlock = codings.filter((coding) => coding.start >= block.start && coding.end <= block.end);
          // One code, every coder's range: the consensus is the characters all of them coded.
          expect(planned).toHaveLength(1);
          expect(planned[0].codeId).toBe(inBlock[0].codeId);
          expect(characterMask(textLength, planned)).toEqual(coders.map((coder) => characterMask(textLength, inBlock.filter((c) => c.coder === coder))).reduce(maskAnd));
        }
        const disputed = known.filter((block) => block.kind !== 'agreed');
        for (const block of disputed) expect(plan.codings.some((coding) => coding.start < block.end && coding.end > block.start)).toBe(false);
      }),
    );
  });

  it('records each merge with its threshold and a default rationale, and skips passages already decided', () => {
    const codings = [
      { id: 'a1', coder: 'ana', codeId: 'access', start: 0, end: 40 },
      { id: 'b1', coder: 'ben', codeId: 'access', start: 2, end: 40 },
      { id: 'a2', coder: 'ana', codeId: 'budget', start: 50, end: 90 },
      { id: 'b2', coder: 'ben', codeId: 'budget', start: 50, end: 89 },
      { id: 'a3', coder: 'ana', codeId: 'budget', start: 100, end: 110 },
    ];
    const analysis = findPassages({ textLength: 120, coders: ['ana', 'ben'], codings });
    const plan = planAutoMerge(analysis, context);
    expect(plan.codings.map(({ codeId, start, end }) => ({ codeId, start, end }))).toEqual([
      { codeId: 'access', start: 2, end: 40 },
      { codeId: 'budget', start: 50, end: 89 },
    ]);
    expect(plan.entries[0].record).toMatchObject({
      action: { action: 'auto-merge', agreedOverlapRatioMin: 0.9 },
      rationale: 'auto-merge: every coder applied the same codes here, each overlapping by at least 90 %',
      decidedBy: 'lead',
      consensus: [{ codeId: 'access', start: 2, end: 40 }],
    });
    expect(plan.codings[0].id).toMatch(/^auto-[0-9a-f]{16}$/);
    const skipping = planAutoMerge(analysis, { ...context, rationale: 'round 1' }, [analysis.passages[0].id]);
    expect(skipping.codings.map((coding) => coding.start)).toEqual([50]);
    expect(skipping.entries[0].record.rationale).toBe('round 1');
  });

  it('with one coder in scope, merges their codings as they are (joined where they overlap)', () => {
    const analysis = findPassages({
      textLength: 50,
      coders: ['ana'],
      codings: [
        { id: 'a1', coder: 'ana', codeId: 'access', start: 0, end: 10 },
        { id: 'a2', coder: 'ana', codeId: 'access', start: 5, end: 20 },
        { id: 'a3', coder: 'ana', codeId: 'budget', start: 8, end: 12 },
      ],
    });
    expect(planAutoMerge(analysis, context).codings.map(({ codeId, start, end }) => [codeId, start, end])).toEqual([
      ['access', 0, 20],
      ['budget', 8, 12],
    ]);
  });

  it('is the same plan, ids included, whatever the order of the codings, and ends only where coders ended', () => {
    fc.assert(
      fc.property(
        randomTranscript.chain((transcript) => permuted(transcript.codings).map((shuffled) => ({ transcript, shuffled }))),
        ({ transcript, shuffled }) => {
          const plan = planAutoMerge(findPassages(transcript), context);
          expect(planAutoMerge(findPassages({ ...transcript, codings: shuffled }), context)).toEqual(plan);
          const starts = new Set(transcript.codings.map((coding) => coding.start));
          const ends = new Set(transcript.codings.map((coding) => coding.end));
          for (const coding of plan.codings) {
            expect(starts.has(coding.start)).toBe(true);
            expect(ends.has(coding.end)).toBe(true);
          }
          expect(new Set(plan.codings.map((coding) => coding.id)).size).toBe(plan.codings.length);
        },
      ),
    );
  });

  it('undo after apply restores the consensus layer exactly', () => {
    fc.assert(
      fc.property(randomTranscript, existingConsensus, (transcript, before) => {
        const plan = planAutoMerge(findPassages(transcript), context);
        const after = apply(before, plan.codings);
        const undo = autoMergeUndo(plan, after);
        expect(undo.editedSince).toEqual([]);
        expect(undo.alreadyRemoved).toEqual([]);
        const restored = after.filter((coding) => !undo.remove.includes(coding.id));
        expect(restored).toEqual(before);
      }),
    );
  });

  it('undo names planned codings edited or removed since, and never touches other codings', () => {
    const analysis = findPassages({
      textLength: 100,
      coders: ['ana', 'ben'],
      codings: [
        { id: 'a1', coder: 'ana', codeId: 'access', start: 0, end: 20 },
        { id: 'b1', coder: 'ben', codeId: 'access', start: 0, end: 20 },
        { id: 'a2', coder: 'ana', codeId: 'budget', start: 30, end: 50 },
        { id: 'b2', coder: 'ben', codeId: 'budget', start: 30, end: 50 },
        { id: 'a3', coder: 'ana', codeId: 'budget', start: 60, end: 70 },
        { id: 'b3', coder: 'ben', codeId: 'budget', start: 60, end: 70 },
      ],
    });
    const plan = planAutoMerge(analysis, context);
    const [first, second, third] = plan.codings;
    const layer = [{ ...first }, { ...second, end: 45 }, { id: 'manual', codeId: 'access', start: 80, end: 90 }];
    expect(third).toBeDefined();
    expect(autoMergeUndo(plan, layer)).toEqual({ remove: [first.id, second.id], editedSince: [second.id], alreadyRemoved: [third.id] });
  });
});
