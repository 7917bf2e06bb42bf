/**
 * SPEC K1, K5 and G7: the one coding model — ranges are anchored or refused by one set of rules,
 * stored codings resolve to offsets (a broken one to `invalid`, never a throw), and alpha is read
 * against one pair of thresholds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { alphaThresholds, verdictLevel } from '../../shared/agreement/verdict';
import { anchorRange, codeUsage, codingOffsets, newCoding, trimRange } from '../../shared/collab/codings';
import { appendTurns, turnTextNode, transcriptFragment } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';

function transcript(turns: string[]): TranscriptIndex {
  const doc = new Y.Doc();
  appendTurns(doc, turns.map((text, i) => ({ speaker: `S${i}`, timestamp: null, text })));
  return new TranscriptIndex(doc);
}

function anchored(index: TranscriptIndex, start: number, end: number) {
  const result = anchorRange(index, start, end);
  if (!('anchors' in result)) throw new Error(`refused: ${result.refusal.message}`);
  return newCoding({ id: 'c1', codeId: 'k', anchors: result.anchors, start, end, memo: '', createdBy: 'u1' });
}

describe('the coding model', () => {
  const index = transcript(['The board met monthly.', 'A GP 😀 chaired it.']);

  it('[K1] anchors a range on its words and refuses empty, outside, splitting and break-only ranges', () => {
    const start = index.text.indexOf('board');
    const coding = anchored(index, start, start + 5);
    expect(coding.quote).toBe('board');
    expect(codingOffsets(index, coding)).toEqual({ status: 'ok', start, end: start + 5, text: 'board' });
    const emoji = index.text.indexOf('😀');
    const refusal = (from: number, to: number) => {
      const result = anchorRange(index, from, to);
      return 'refusal' in result ? result.refusal.code : 'anchored';
    };
    expect(refusal(4, 4)).toBe('empty_range');
    expect(refusal(6, 2)).toBe('empty_range');
    expect(refusal(0, index.length + 1)).toBe('out_of_range');
    expect(refusal(emoji + 1, emoji + 4)).toBe('splits_character');
    const newline = index.text.indexOf('\n');
    expect(refusal(newline, newline + 1)).toBe('empty_range');
    expect(refusal(0, index.length)).toBe('anchored');
  });

  it('[K1] trimming takes off only the whitespace a selection swept up', () => {
    expect(trimRange('  a b  ', 0, 7)).toEqual({ start: 2, end: 5 });
    expect(trimRange('  a b  ', 7, 0)).toEqual({ start: 2, end: 5 });
    expect(trimRange(' \n ', 0, 3)).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.nat(25), fc.nat(25), (text, a, b) => {
        const trimmed = trimRange(text, a, b);
        if (trimmed === null) return;
        expect(trimmed.start).toBeLessThan(trimmed.end);
        expect(text.slice(trimmed.start, trimmed.end)).toBe(text.slice(trimmed.start, trimmed.end).trim());
        expect(trimmed.start).toBeGreaterThanOrEqual(Math.min(a, b));
        expect(trimmed.end).toBeLessThanOrEqual(Math.max(a, b));
      }),
    );
  });

  it('[K5] a coding whose anchors do not decode resolves to invalid with its last offsets, never a throw', () => {
    const start = index.text.indexOf('monthly');
    const good = anchored(index, start, start + 7);
    const broken = { ...good, start: new Uint8Array([255, 255, 255]), end: new Uint8Array([]) };
    expect(codingOffsets(index, broken)).toEqual({ status: 'invalid', start, end: start + 7, text: 'monthly' });
  });

  it('[C2] a coding whose words are deleted keeps its last offsets and quote', () => {
    const doc = new Y.Doc();
    appendTurns(doc, [{ speaker: 'A', timestamp: null, text: 'keep these words here' }]);
    const live = new TranscriptIndex(doc);
    const coding = anchored(live, 5, 16);
    turnTextNode(transcriptFragment(doc).get(0) as Y.XmlElement)?.delete(4, 12);
    live.rebuild();
    const offsets = codingOffsets(live, coding);
    expect(offsets.status).not.toBe('ok');
    expect(offsets).toMatchObject({ start: 5, end: 16, text: 'these words' });
  });

  it('counts uses per code', () => {
    const usage = codeUsage([{ codeId: 'a' }, { codeId: 'b' }, { codeId: 'a' }]);
    expect([...usage]).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});

describe('reading alpha', () => {
  it('[G7] .800 and above is reliable, .667 to .800 tentative, below unreliable, and no value is undefined', () => {
    expect(alphaThresholds).toEqual({ tentative: 0.667, reliable: 0.8 });
    expect(verdictLevel(0.8)).toBe('reliable');
    expect(verdictLevel(0.7999)).toBe('tentative');
    expect(verdictLevel(0.667)).toBe('tentative');
    expect(verdictLevel(0.6669)).toBe('unreliable');
    expect(verdictLevel(-0.2)).toBe('unreliable');
    expect(verdictLevel(null)).toBe('undefined');
    expect(verdictLevel(Number.NaN)).toBe('undefined');
  });
});
