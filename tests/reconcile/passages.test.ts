/**
 * The disagreement finder on hand-made cases: what a passage is, which kind of disagreement each
 * shows, how the navigator orders them, and the input it refuses.
 */
import { describe, expect, it } from 'vitest';
import { findPassages, type ReconcileCoding, ReconcileError } from '../../shared/reconcile/index';

let nextId = 0;
const coding = (coder: string, codeId: string, start: number, end: number, id = `k${nextId++}`): ReconcileCoding => ({ id, coder, codeId, start, end });

const twoCoders = ['ana', 'ben'];
const analyse = (codings: ReconcileCoding[], coders = twoCoders, extra: Partial<Parameters<typeof findPassages>[0]> = {}) =>
  findPassages({ textLength: 200, codings, coders, ...extra });

function refusal(run: () => unknown): { code: string; field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ReconcileError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('passages and their kinds', () => {
  it('counts jittered boundaries above the threshold as agreed, below it as a boundary disagreement', () => {
    const agreed = analyse([coding('ana', 'A', 0, 100), coding('ben', 'A', 5, 100)]);
    expect(agreed.passages).toHaveLength(1);
    expect(agreed.passages[0]).toMatchObject({ start: 0, end: 100, agreed: true, kinds: [] });
    expect(agreed.passages[0].codes).toEqual([{ codeId: 'A', coders: ['ana', 'ben'], overlapRatio: 0.95, agreed: true }]);
    expect(agreed.disagreements).toEqual([]);

    const boundary = analyse([coding('ana', 'A', 0, 100), coding('ben', 'A', 0, 89)]);
    expect(boundary.passages[0]).toMatchObject({ agreed: false, kinds: ['boundary'] });
    expect(boundary.passages[0].codes[0].overlapRatio).toBe(0.89);
    // Exactly at the threshold agrees: 90 of 100 characters.
    expect(analyse([coding('ana', 'A', 0, 100), coding('ben', 'A', 0, 90)]).passages[0].agreed).toBe(true);
    // A stricter threshold turns the same data into a disagreement.
    expect(analyse([coding('ana', 'A', 0, 100), coding('ben', 'A', 5, 100)], twoCoders, { agreedOverlapRatioMin: 0.99 }).passages[0].kinds).toEqual(['boundary']);
  });

  it('labels a coder who coded nothing there as missing', () => {
    const result = analyse([coding('ana', 'A', 0, 10), coding('ana', 'A', 50, 60), coding('ben', 'A', 50, 60)]);
    expect(result.passages.map((passage) => [passage.start, passage.kinds])).toEqual([
      [0, ['missing']],
      [50, []],
    ]);
    expect(result.passages[0].versions).toEqual([
      { coder: 'ana', codings: [expect.objectContaining({ start: 0, end: 10 })] },
      { coder: 'ben', codings: [] },
    ]);
  });

  it('labels the same stretch coded with other codes as different-code, and extra codes as overlapping-codes', () => {
    expect(analyse([coding('ana', 'A', 0, 10), coding('ben', 'B', 0, 10)]).passages[0].kinds).toEqual(['different-code']);
    expect(analyse([coding('ana', 'A', 0, 10), coding('ana', 'B', 0, 10), coding('ben', 'A', 0, 10)]).passages[0].kinds).toEqual(['overlapping-codes']);
    // Each coder has a code the other lacks, and one has two codes: both labels, and the boundary of A.
    const mixed = analyse([coding('ana', 'A', 0, 10), coding('ana', 'B', 0, 10), coding('ben', 'A', 0, 4), coding('ben', 'C', 4, 10)]);
    expect(mixed.passages[0].kinds).toEqual(['different-code', 'boundary']);
    const three = analyse([coding('ana', 'A', 0, 10), coding('ben', 'B', 0, 10)], ['ana', 'ben', 'cleo']);
    expect(three.passages[0].kinds).toEqual(['missing', 'different-code']);
  });

  it('agrees when every coder applied the same two codes, or split one span into touching codings', () => {
    expect(analyse([coding('ana', 'A', 0, 40), coding('ana', 'B', 0, 40), coding('ben', 'B', 1, 40), coding('ben', 'A', 0, 40)]).passages[0].agreed).toBe(true);
    expect(analyse([coding('ana', 'A', 0, 50), coding('ana', 'A', 50, 100), coding('ben', 'A', 0, 100)]).passages[0].agreed).toBe(true);
  });

  it('keeps touching codings in separate passages and chains overlapping ones across coders and codes', () => {
    const touching = analyse([coding('ana', 'A', 0, 10), coding('ben', 'A', 10, 20)]);
    expect(touching.passages.map((passage) => [passage.start, passage.end, passage.kinds])).toEqual([
      [0, 10, ['missing']],
      [10, 20, ['missing']],
    ]);
    const chain = analyse([coding('ana', 'A', 0, 10), coding('ben', 'B', 9, 15), coding('ana', 'C', 14, 30)]);
    expect(chain.passages.map((passage) => [passage.start, passage.end])).toEqual([[0, 30]]);
  });

  it('treats one coder in scope as agreeing with themselves everywhere', () => {
    const result = findPassages({ textLength: 50, coders: ['ana'], codings: [coding('ana', 'A', 0, 10), coding('ana', 'B', 5, 20), coding('ana', 'A', 30, 40)] });
    expect(result.passages.map((passage) => passage.agreed)).toEqual([true, true]);
    expect(result.disagreements).toEqual([]);
  });

  it('leaves out and counts the codings of coders outside the scope', () => {
    const result = analyse([coding('ana', 'A', 0, 10), coding('ben', 'A', 0, 10), coding('zoe', 'B', 0, 10), coding('zoe', 'B', 100, 120)]);
    expect(result.outOfScopeCodings).toBe(2);
    expect(result.passages).toHaveLength(1);
    expect(result.passages[0].agreed).toBe(true);
  });

  it('keeps offsets around emoji exactly as given', () => {
    const text = 'We 😀 agreed 🎉🎉 then 𝔸 left';
    const at = (needle: string) => text.indexOf(needle);
    const codings = [coding('ana', 'A', at('😀'), at('😀') + 2), coding('ben', 'A', at('😀'), at(' agreed')), coding('ana', 'B', at('🎉'), at(' then')), coding('ben', 'B', at('𝔸'), at('𝔸') + 2)];
    const result = findPassages({ textLength: text.length, text, coders: twoCoders, codings });
    expect(result.passages.map((passage) => text.slice(passage.start, passage.end))).toEqual(['😀', '🎉🎉', '𝔸']);
    expect(result.passages[0].agreed).toBe(true);
  });

  it('gives a passage an id from its member codings: same members, same id; a moved boundary changes only the revision', () => {
    const before = analyse([coding('ana', 'A', 0, 10, 'x1'), coding('ben', 'A', 0, 10, 'x2')]).passages[0];
    const moved = analyse([coding('ana', 'A', 0, 10, 'x1'), coding('ben', 'A', 2, 10, 'x2')]).passages[0];
    const joined = analyse([coding('ana', 'A', 0, 10, 'x1'), coding('ben', 'A', 0, 10, 'x2'), coding('ben', 'B', 5, 12, 'x3')]).passages[0];
    expect(moved.id).toBe(before.id);
    expect(moved.revision).not.toBe(before.revision);
    expect(joined.id).not.toBe(before.id);
    expect(before.id).toMatch(/^p-[0-9a-f]{16}$/);
  });
});

describe('impact order', () => {
  // Code L: low agreement; H: high agreement but many codings; U: no agreement known.
  const codings = [
    coding('ana', 'H', 0, 10),
    coding('ben', 'H', 0, 5),
    coding('ana', 'H', 20, 30),
    coding('ben', 'H', 20, 30),
    coding('ana', 'L', 60, 70),
    coding('ben', 'L', 150, 160),
    coding('ana', 'L', 100, 110),
    coding('ana', 'U', 180, 190),
    coding('ana', 'M', 40, 50),
    coding('ana', 'M', 120, 130),
    coding('ben', 'M', 120, 125),
    coding('ana', 'M', 135, 140),
    coding('ana', 'M', 195, 200),
  ];

  it('lists the lowest agreement first, then the most used code, then by position; unknown agreement last', () => {
    const result = analyse(codings, twoCoders, { codeAgreement: { H: 0.8, L: 0.1, M: 0.8, U: null } });
    expect(result.codes.map((code) => [code.codeId, code.agreement, code.codings])).toEqual([
      ['L', 0.1, 3],
      ['M', 0.8, 5],
      ['H', 0.8, 4],
      ['U', null, 1],
    ]);
    expect(result.disagreements.map((passage) => [passage.impact.codeId, passage.start])).toEqual([
      ['L', 60],
      ['L', 100],
      ['L', 150],
      ['M', 40],
      ['M', 120],
      ['M', 135],
      ['M', 195],
      ['H', 0],
      ['U', 180],
    ]);
  });

  it('without a given agreement, orders by the share of a code’s characters every coder coded', () => {
    const result = analyse(codings);
    expect(result.codes.map((code) => [code.codeId, code.agreement, code.agreementSource])).toEqual([
      ['L', 0, 'computed'],
      ['U', 0, 'computed'],
      ['M', 5 / 30, 'computed'],
      ['H', 15 / 20, 'computed'],
    ]);
  });

  it('ranks a passage by the worst of its codes', () => {
    const result = analyse([coding('ana', 'H', 0, 10), coding('ben', 'L', 5, 10), coding('ana', 'H', 50, 60)], twoCoders, { codeAgreement: { H: 0.5, L: 0.2 } });
    expect(result.disagreements.map((passage) => [passage.start, passage.impact])).toEqual([
      [0, { codeId: 'L', agreement: 0.2, codings: 1 }],
      [50, { codeId: 'H', agreement: 0.5, codings: 2 }],
    ]);
  });
});

describe('refused input', () => {
  it('refuses zero-length, reversed, fractional and outside ranges, naming the coding', () => {
    expect(refusal(() => analyse([coding('ana', 'A', 5, 5, 'zero')]))).toEqual({
      code: 'empty_range',
      field: 'codings[0] (id "zero")',
      message: 'codings[0] (id "zero"): start (5) must be less than end (5)',
    });
    expect(refusal(() => analyse([coding('ana', 'A', 0, 5), coding('ana', 'A', 9, 3)])).code).toBe('empty_range');
    expect(refusal(() => analyse([coding('ana', 'A', 0.5, 5)])).code).toBe('invalid_input');
    expect(refusal(() => analyse([coding('ana', 'A', 190, 201, 'far')])).message).toBe('codings[0] (id "far"): 190–201 is outside the text (length 200)');
    expect(refusal(() => analyse([coding('ana', 'A', -1, 3)])).code).toBe('out_of_range');
  });

  it('refuses an offset inside an emoji when the text is given', () => {
    const text = 'a😀b';
    expect(refusal(() => findPassages({ textLength: 4, text, coders: ['ana'], codings: [coding('ana', 'A', 0, 2)] }))).toMatchObject({
      code: 'splits_character',
      message: expect.stringContaining('end (2) splits a surrogate pair'),
    });
    expect(refusal(() => findPassages({ textLength: 5, text, coders: ['ana'], codings: [] })).field).toBe('text');
  });

  it('refuses duplicate ids, missing fields, an empty or repeated scope and a threshold outside (0, 1]', () => {
    expect(refusal(() => analyse([coding('ana', 'A', 0, 5, 'same'), coding('ben', 'A', 0, 5, 'same')]))).toMatchObject({ code: 'duplicate_id', field: 'codings[1].id' });
    expect(refusal(() => analyse([{ ...coding('ana', 'A', 0, 5), codeId: '' }])).field).toBe('codings[0].codeId');
    expect(refusal(() => analyse([], [])).field).toBe('coders');
    expect(refusal(() => analyse([], ['ana', 'ana'])).message).toBe('coders lists a coder twice');
    expect(refusal(() => analyse([], twoCoders, { agreedOverlapRatioMin: 0 })).field).toBe('agreedOverlapRatioMin');
    expect(refusal(() => analyse([], twoCoders, { agreedOverlapRatioMin: 1.5 })).field).toBe('agreedOverlapRatioMin');
    expect(refusal(() => analyse([], twoCoders, { codeAgreement: { A: Number.NaN } })).field).toBe('codeAgreement');
    expect(refusal(() => findPassages({ textLength: -1, codings: [], coders: twoCoders })).field).toBe('textLength');
  });
});
