/**
 * Properties of the disagreement finder for any codings: passages partition the coded text into the
 * connected groups of overlapping codings, nothing is lost, the labels follow their definitions
 * (restated per character), and ids and order do not depend on the order of the input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPassages, type Passage, type ReconcileCoding } from '../../shared/reconcile/index';
import { characterMask, knownTranscript, maskAnd, maskCount, maskOr, permuted, randomTranscript } from './generators';

const overlaps = (a: ReconcileCoding, b: ReconcileCoding) => a.start < b.end && b.start < a.end;
const members = (passage: Passage) => passage.versions.flatMap((version) => version.codings);

/** Connected components of the overlap graph, the slow way: each as a sorted list of coding ids. */
function overlapComponents(codings: readonly ReconcileCoding[]): string[][] {
  const parent = codings.map((_, index) => index);
  const root = (i: number): number => (parent[i] === i ? i : root(parent[i]));
  for (let a = 0; a < codings.length; a++)
    for (let b = a + 1; b < codings.length; b++) if (overlaps(codings[a], codings[b])) parent[root(a)] = root(b);
  const groups = new Map<number, string[]>();
  codings.forEach((coding, index) => {
    groups.set(root(index), [...(groups.get(root(index)) ?? []), coding.id]);
  });
  return [...groups.values()].map((ids) => ids.sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('passage properties', () => {
  it('passages are the connected groups of overlapping codings, disjoint, in text order, covering exactly the coded characters', () => {
    fc.assert(
      fc.property(randomTranscript, ({ textLength, coders, codings }) => {
        const { passages } = findPassages({ textLength, coders, codings });
        const grouped = passages.map((passage) => members(passage).map((coding) => coding.id).sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
        expect(grouped).toEqual(overlapComponents(codings));
        for (let i = 1; i < passages.length; i++) expect(passages[i].start).toBeGreaterThanOrEqual(passages[i - 1].end);
        for (const passage of passages) {
          expect(passage.start).toBe(Math.min(...members(passage).map((coding) => coding.start)));
          expect(passage.end).toBe(Math.max(...members(passage).map((coding) => coding.end)));
        }
        expect(characterMask(textLength, passages)).toEqual(characterMask(textLength, codings));
      }),
    );
  });

  it('puts every coding, unchanged, in exactly one passage under its own coder', () => {
    fc.assert(
      fc.property(randomTranscript, ({ textLength, coders, codings }) => {
        const { passages } = findPassages({ textLength, coders, codings });
        const placed = passages.flatMap((passage) => passage.versions.flatMap((version) => version.codings.map((coding) => ({ ...coding, under: version.coder }))));
        expect(placed.every(({ under, coder }) => under === coder)).toBe(true);
        const byId = (a: ReconcileCoding, b: ReconcileCoding) => (a.id < b.id ? -1 : 1);
        expect(placed.map(({ under: _, ...coding }) => coding).sort(byId)).toEqual([...codings].sort(byId));
      }),
    );
  });

  it('labels follow their definitions, checked per character', () => {
    fc.assert(
      fc.property(randomTranscript, fc.constantFrom(0.5, 0.9, 1), ({ textLength, coders, codings }, ratioMin) => {
        const { passages } = findPassages({ textLength, coders, codings, agreedOverlapRatioMin: ratioMin });
        for (const passage of passages) {
          const setOf = (coder: string) => [...new Set(members(passage).filter((c) => c.coder === coder).map((c) => c.codeId))].sort();
          const sets = coders.map(setOf).filter((set) => set.length > 0);
          const within = (a: string[], b: string[]) => a.every((code) => b.includes(code));
          let boundary = false;
          for (const code of passage.codes) {
            const masks = code.coders.map((coder) => characterMask(textLength, members(passage).filter((c) => c.coder === coder && c.codeId === code.codeId)));
            const every = masks.reduce(maskAnd);
            const any = masks.reduce(maskOr);
            expect(code.overlapRatio).toBeCloseTo(maskCount(every) / maskCount(any), 12);
            if (code.coders.length >= 2 && maskCount(every) / maskCount(any) < ratioMin) boundary = true;
          }
          const expected = [
            sets.length < coders.length && 'missing',
            sets.some((a) => sets.some((b) => !within(a, b) && !within(b, a))) && 'different-code',
            sets.some((a) => sets.some((b) => within(a, b) && !within(b, a))) && 'overlapping-codes',
            boundary && 'boundary',
          ].filter(Boolean);
          expect(passage.kinds).toEqual(expected);
          expect(passage.agreed).toBe(expected.length === 0);
        }
      }),
    );
  });

  it('gives the same result, ids and order included, whatever the order of the codings', () => {
    fc.assert(
      fc.property(
        randomTranscript.chain((transcript) => permuted(transcript.codings).map((shuffled) => ({ transcript, shuffled }))),
        ({ transcript, shuffled }) => {
          const original = findPassages(transcript);
          expect(findPassages({ ...transcript, codings: shuffled })).toEqual(original);
          expect(findPassages(transcript)).toEqual(original);
        },
      ),
    );
  });

  it('lists exactly the passages that are not agreed, each once, ordered by code rank then position', () => {
    fc.assert(
      fc.property(randomTranscript, ({ textLength, coders, codings }) => {
        const result = findPassages({ textLength, coders, codings });
        expect(result.disagreements.map((passage) => passage.id).sort()).toEqual(result.passages.filter((passage) => !passage.agreed).map((passage) => passage.id).sort());
        const rank = (passage: Passage) => result.codes.findIndex((code) => code.codeId === passage.impact.codeId);
        for (let i = 1; i < result.disagreements.length; i++) {
          const [before, after] = [result.disagreements[i - 1], result.disagreements[i]];
          expect(rank(before) < rank(after) || (rank(before) === rank(after) && before.start <= after.start)).toBe(true);
        }
        for (const passage of result.passages) {
          const ranks = passage.codes.map((code) => result.codes.findIndex((standing) => standing.codeId === code.codeId));
          expect(rank(passage)).toBe(Math.min(...ranks));
        }
      }),
    );
  });

  it('finds agreement exactly where it was built in', () => {
    fc.assert(
      fc.property(knownTranscript, ({ textLength, coders, codings, known }) => {
        const { passages } = findPassages({ textLength, coders, codings });
        expect(passages).toHaveLength(known.length);
        passages.forEach((passage, index) => {
          const block = known[index];
          expect(passage.agreed).toBe(block.kind === 'agreed');
          const label = { agreed: [], boundary: ['boundary'], missing: ['missing'], 'different-code': ['different-code'], 'extra-code': ['overlapping-codes'] }[block.kind];
          expect(passage.kinds).toEqual(label);
        });
      }),
    );
  });
});
