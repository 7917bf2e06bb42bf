/**
 * The decorations builder's segments: text is split where the set of covering codings changes and
 * at turn boundaries, overlapping codings share segments, turn breaks are never decorated, and a
 * window [from, to] (one turn being redrawn) yields only its own segments.
 */
import { describe, expect, it } from 'vitest';
import { codingSegments, type DecoratedCoding } from '../../client/src/editor/codingDecorations';
import { transcriptOf } from './fixtures';

const { index } = transcriptOf(['abcdefghij', 'klmnopqrst']);
// Turn 0 is offsets 0–10, the break is 10–11, turn 1 is 11–21.

const coding = (id: string, start: number, end: number): DecoratedCoding => ({ id, start, end, color: '#3cb44b', label: `${id} — you` });

/** Segments as [from, to, ids covering them]. */
const segments = (codings: DecoratedCoding[], from = 0, to = index.length) =>
  codingSegments(codings, index, from, to).map((segment) => [segment.from, segment.to, segment.codings.map((covering) => covering.id).join('+')]);

describe('coding segments', () => {
  it('gives one segment per coding when codings do not touch', () => {
    expect(segments([coding('a', 1, 3), coding('b', 5, 8)])).toEqual([
      [1, 3, 'a'],
      [5, 8, 'b'],
    ]);
  });

  it('splits overlapping codings where the set of covering codings changes', () => {
    expect(segments([coding('a', 0, 6), coding('b', 2, 4), coding('c', 4, 9)])).toEqual([
      [0, 2, 'a'],
      [2, 4, 'a+b'],
      [4, 6, 'a+c'],
      [6, 9, 'c'],
    ]);
  });

  it('keeps identical ranges in one segment, in the order the codings start', () => {
    expect(segments([coding('a', 2, 5), coding('b', 2, 5)])).toEqual([[2, 5, 'a+b']]);
  });

  it('splits a coding across turns at the turn boundaries and leaves the turn break undecorated', () => {
    expect(segments([coding('a', 7, 15)])).toEqual([
      [7, 10, 'a'],
      [11, 15, 'a'],
    ]);
  });

  it('draws only the window asked for, clipping codings that reach beyond it', () => {
    const codings = [coding('a', 7, 15), coding('b', 12, 18), coding('c', 1, 2)];
    expect(segments(codings, 11, 21)).toEqual([
      [11, 12, 'a'],
      [12, 15, 'a+b'],
      [15, 18, 'b'],
    ]);
  });

  it('gives nothing for no codings, and for codings outside the window', () => {
    expect(segments([])).toEqual([]);
    expect(segments([coding('a', 1, 3)], 11, 21)).toEqual([]);
  });
});
