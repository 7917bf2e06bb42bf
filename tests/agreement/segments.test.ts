/**
 * Segment-unit views on small hand-written interview snippets about clinical commissioning:
 * unit splitting, present/absent and multi-label matrices, and character-level agreement on cases
 * computed by hand.
 */

import { describe, expect, it } from 'vitest';
import {
  characterAgreement,
  multiLabelRows,
  NO_CODE_LABEL,
  presenceMatrices,
  presenceRows,
  type SegmentCoding,
  splitUnits,
  type TextRange,
  type TranscriptText,
} from '../../shared/agreement/segments/index.js';

function transcriptOf(turns: string[]): TranscriptText {
  const ranges: TextRange[] = [];
  let cursor = 0;
  for (const turn of turns) {
    ranges.push({ start: cursor, end: cursor + turn.length });
    cursor += turn.length + 1; // the joining "\n"
  }
  return { text: turns.join('\n'), turns: ranges };
}

const interview = transcriptOf([
  'Interviewer: How do you decide which services to commission?',
  'Respondent: We start with the needs assessment. Then the board votes, e.g. on the diabetes pathway.\n\n' +
    'Budget is the hard part! Dr. Patel keeps saying so.',
  'Interviewer: Right.',
]);

const textsOf = (transcript: TranscriptText, units: readonly TextRange[]) => units.map((unit) => transcript.text.slice(unit.start, unit.end));

/** [start, end) of the first occurrence of `phrase` in the interview (test data must contain it). */
function span(phrase: string): { start: number; end: number } {
  const start = interview.text.indexOf(phrase);
  if (start < 0) throw new Error(`test phrase not found: ${phrase}`);
  return { start, end: start + phrase.length };
}

describe('unit splitting', () => {
  it('turns follow the given boundaries and exclude the joining line breaks', () => {
    expect(textsOf(interview, splitUnits(interview, { kind: 'turn' }))).toEqual([
      'Interviewer: How do you decide which services to commission?',
      'Respondent: We start with the needs assessment. Then the board votes, e.g. on the diabetes pathway.\n\nBudget is the hard part! Dr. Patel keeps saying so.',
      'Interviewer: Right.',
    ]);
  });

  it('paragraphs split a turn at blank lines only', () => {
    const paragraphs = splitUnits(interview, { kind: 'paragraph' });
    expect(textsOf(interview, paragraphs)).toEqual([
      'Interviewer: How do you decide which services to commission?',
      'Respondent: We start with the needs assessment. Then the board votes, e.g. on the diabetes pathway.',
      'Budget is the hard part! Dr. Patel keeps saying so.',
      'Interviewer: Right.',
    ]);
    expect(paragraphs.map((unit) => unit.turn)).toEqual([0, 1, 1, 2]);
  });

  it('sentences break after . ! ? but not after abbreviations, initials or decimals', () => {
    expect(textsOf(interview, splitUnits(interview, { kind: 'sentence' }))).toEqual([
      'Interviewer: How do you decide which services to commission?',
      'Respondent: We start with the needs assessment.',
      'Then the board votes, e.g. on the diabetes pathway.',
      'Budget is the hard part!',
      'Dr. Patel keeps saying so.',
      'Interviewer: Right.',
    ]);
    const tricky = transcriptOf([
      'She said "we cannot fund it." Then J. Okafor checked: 3.5 million?! Yes...',
      'Line one of a turn\nline two without a stop',
    ]);
    expect(textsOf(tricky, splitUnits(tricky, { kind: 'sentence' }))).toEqual([
      'She said "we cannot fund it."',
      'Then J. Okafor checked: 3.5 million?!',
      'Yes...',
      'Line one of a turn',
      'line two without a stop',
    ]);
  });

  it('windows tile the whole text in steps of N, the last one shorter; the document is one unit', () => {
    const windows = splitUnits(interview, { kind: 'window', size: 40 });
    const length = interview.text.length;
    expect(windows).toHaveLength(Math.ceil(length / 40));
    windows.forEach((window, index) => {
      expect(window.start).toBe(index * 40);
      expect(window.end).toBe(Math.min(index * 40 + 40, length));
    });
    expect(splitUnits(interview, { kind: 'document' })).toEqual([{ kind: 'document', start: 0, end: length, turn: -1 }]);
    expect(() => splitUnits(interview, { kind: 'window', size: 0 })).toThrow(RangeError);
  });
});

describe('presence and multi-label matrices', () => {
  const turns = splitUnits(interview, { kind: 'turn' });
  const separatorBeforeLastTurn = { start: interview.turns[2].start - 1, end: interview.turns[2].start };
  const codings: SegmentCoding[] = [
    { coder: 'Ama', codeId: 'funding', ...span('Budget is the hard part!') },
    // Crosses from turn 0 into turn 1.
    { coder: 'Ama', codeId: 'process', start: span('commission?').start, end: span('Respondent').end },
    { coder: 'Ben', codeId: 'funding', ...span('hard part') },
    { coder: 'Ben', codeId: 'process', ...span('board votes') },
    // Only the line break between turns 1 and 2: overlaps no turn, so it marks nothing.
    { coder: 'Ben', codeId: 'funding', ...separatorBeforeLastTurn },
  ];

  it('marks a unit when a coding overlaps it by at least one character', () => {
    const byCode = Object.fromEntries(presenceMatrices(turns, codings).map((matrix) => [matrix.codeId, matrix]));
    expect(byCode.funding.coders).toEqual(['Ama', 'Ben']);
    expect(presenceRows(byCode.funding)).toEqual([
      [0, 0],
      [1, 1],
      [0, 0],
    ]);
    expect(presenceRows(byCode.process)).toEqual([
      [1, 0],
      [1, 1],
      [0, 0],
    ]);
  });

  it('keeps a coder who coded nothing as a column of zeros when the team is given', () => {
    const [funding] = presenceMatrices(turns, codings, ['Ama', 'Ben', 'Cleo']).filter((matrix) => matrix.codeId === 'funding');
    expect(presenceRows(funding)).toEqual([
      [0, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
  });

  it('labels each unit per coder with the sorted set of codes', () => {
    expect(multiLabelRows(turns, codings).rows).toEqual([
      ['process', NO_CODE_LABEL],
      ['funding + process', 'funding + process'],
      [NO_CODE_LABEL, NO_CODE_LABEL],
    ]);
  });

  it('works on fixed windows too', () => {
    const windowed = transcriptOf(['The commissioning group reviewed the stroke pathway, then asked the trust for audited waiting times.']);
    const windows = splitUnits(windowed, { kind: 'window', size: 25 });
    const [funding] = presenceMatrices(windows, [
      { coder: 'Ama', codeId: 'funding', start: 10, end: 40 },
      { coder: 'Ama', codeId: 'funding', start: 60, end: 70 },
      { coder: 'Ben', codeId: 'funding', start: 20, end: 50 },
    ]);
    // Ama: windows [0,25) [25,50) [50,75); Ben: [0,25) [25,50) (50 is the end, not inside [50,75)).
    expect(presenceRows(funding)).toEqual([
      [1, 1],
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
  });
});

describe('character-level agreement (NVivo style)', () => {
  // 100 characters exactly, so the hand computation below can use L = 100.
  const snippet = 'The commissioning group reviewed the stroke pathway, then asked the trust for audited waiting times.';
  const codings: SegmentCoding[] = [
    // Ama's two overlapping "funding" segments are one stretch [10, 40) plus [60, 70): 40 characters.
    { coder: 'Ama', codeId: 'funding', start: 10, end: 30 },
    { coder: 'Ama', codeId: 'funding', start: 25, end: 40 },
    { coder: 'Ama', codeId: 'funding', start: 60, end: 70 },
    { coder: 'Ben', codeId: 'funding', start: 20, end: 50 },
  ];

  it('matches the hand-computed 2 × 2 table, percent agreement, kappa and coded-only agreement', () => {
    expect(snippet).toHaveLength(100);
    const { byCode } = characterAgreement(snippet.length, codings);
    const [pair] = byCode[0].pairs;
    // both = |[20,40)| = 20; only Ama = 40 − 20 = 20; only Ben = 30 − 20 = 10; neither = 100 − 50 = 50.
    expect([pair.both, pair.onlyA, pair.onlyB, pair.neither]).toEqual([20, 20, 10, 50]);
    // Po = 0.70; Pe = 0.4·0.3 + 0.6·0.7 = 0.54; κ = 0.16 / 0.46.
    expect(pair.percentAgreement).toBeCloseTo(0.7, 12);
    expect(pair.cohenKappa).toBeCloseTo(0.16 / 0.46, 12);
    // Coded-only: of the 50 characters someone coded, both coded 20.
    expect(pair.codedOnlyPercentAgreement).toBeCloseTo(0.4, 12);
    // Scott's π: pooled share 0.35, Pe = 0.35² + 0.65² = 0.545, π = 0.155 / 0.455.
    expect(pair.scottPi).toBeCloseTo(0.155 / 0.455, 12);
  });

  it('reports every pair for three coders and their mean', () => {
    const { byCode } = characterAgreement(100, codings, ['Ama', 'Ben', 'Cleo']);
    const [funding] = byCode;
    expect(funding.pairs.map((pair) => `${pair.coderA}-${pair.coderB}`)).toEqual(['Ama-Ben', 'Ama-Cleo', 'Ben-Cleo']);
    // Cleo coded nothing: Ama–Cleo Po = 0.6, Pe = 0.6, κ = 0; Ben–Cleo Po = 0.7, Pe = 0.7, κ = 0.
    expect(funding.pairs.map((pair) => pair.cohenKappa)).toEqual([expect.closeTo(0.16 / 0.46, 12), 0, 0]);
    expect(funding.meanPercentAgreement).toBeCloseTo((0.7 + 0.6 + 0.7) / 3, 12);
    expect(funding.meanCohenKappa).toBeCloseTo(0.16 / 0.46 / 3, 12);
    expect(funding.meanCodedOnlyPercentAgreement).toBeCloseTo(0.4 / 3, 12);
  });

  it('gives null kappa with a diagnostic when chance agreement is 1', () => {
    const everything: SegmentCoding[] = [
      { coder: 'Ama', codeId: 'context', start: 0, end: 100 },
      { coder: 'Ben', codeId: 'context', start: 0, end: 100 },
    ];
    const { byCode, diagnostics } = characterAgreement(100, everything);
    expect(byCode[0].pairs[0].percentAgreement).toBe(1);
    expect(byCode[0].pairs[0].cohenKappa).toBeNull();
    expect(diagnostics.map((d) => d.kind)).toContain('undefined_statistic');
  });

  it('handles 20,000 segments on a 60,000-character text', () => {
    let state = 12345;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const many: SegmentCoding[] = Array.from({ length: 20_000 }, (_, i) => {
      const start = Math.floor(next() * 59_900);
      return { coder: `coder${i % 4}`, codeId: `code${Math.floor(next() * 20)}`, start, end: start + 1 + Math.floor(next() * 100) };
    });
    const { byCode } = characterAgreement(60_000, many);
    expect(byCode).toHaveLength(20);
    for (const code of byCode) {
      for (const pair of code.pairs) expect(pair.both + pair.onlyA + pair.onlyB + pair.neither).toBe(60_000);
    }
  });
});
