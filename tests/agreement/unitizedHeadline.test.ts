/**
 * A report headed by the unitized (k)uα per code, as a continuum round's is (SPEC R4): its headline
 * and round unit as fields, a methods paragraph that opens with (k)uα (the range over codes, how
 * many are undefined, no interval) and calls the coded-unit statistics secondary, and the per-code
 * numbers the round's navigator orders by (SPEC Q1) equal to the report's own. A report headed by
 * coded units is the report it always was.
 */
import { describe, expect, it } from 'vitest';
import { agreementReport, headlinePerCode, type ReportDocument } from '../../shared/agreement/report';

const codes = [
  { id: 'e', name: 'Enabler', parentId: null },
  { id: 'b', name: 'Barrier', parentId: null },
  { id: 't', name: 'Time', parentId: null },
  { id: 'u', name: 'Unused', parentId: null },
];

/**
 * Barrier: the same turns with other boundaries ((k)uα and turn alpha 1). Enabler and Time: one
 * stretch one coder calls Enabler and the other Time; one coder's Enabler in a turn the other left
 * uncoded lowers Enabler's turn alpha but not its (k)uα, so the two statistics rank them differently.
 */
function interviews(): ReportDocument[] {
  const turns = [
    'What helps you lead in the group?',
    'Protected time, mostly. Two sessions a week are funded by the board.',
    'And what gets in the way?',
    'The paperwork. Every decision needs three sign-offs from the trust.',
    'Anything else?',
    'Meetings run late and nobody keeps the minutes, so the same points come back.',
  ];
  const text = turns.join('\n');
  let offset = 0;
  const ranges = turns.map((turn) => {
    const range = { start: offset, end: offset + turn.length };
    offset += turn.length + 1;
    return range;
  });
  const coded: [string, string, string][] = [
    ['ana', turns[1], 'e'],
    ['ben', turns[1], 'e'],
    ['ana', turns[5], 'e'],
    ['ben', turns[5], 'e'],
    ['ana', 'Anything else?', 'e'],
    ['ben', 'Anything else?', 't'],
    ['ana', 'The paperwork', 'b'],
    ['ben', 'The paperwork. Every decision', 'b'],
    ['ana', 'What helps you lead', 't'],
    ['ben', 'What helps you lead', 't'],
    ['ana', 'three sign-offs from the trust', 'e'],
  ];
  const codings = coded.map(([coder, quote, codeId]) => {
    const start = text.indexOf(quote);
    if (start < 0) throw new Error(`no "${quote}" in the text`);
    return { coder, codeId, start, end: start + quote.length };
  });
  return [{ id: 'd1', title: 'Interview 1', attributes: { role: 'GP' }, text, turns: ranges, codings }];
}

const base = { unit: { kind: 'turn' as const }, coders: ['ana', 'ben'], coderNames: { ana: 'Ana', ben: 'Ben' }, codes };
const continuumRound = agreementReport(interviews(), { ...base, headline: 'unitized', roundUnit: { kind: 'continuum' }, bootstrap: { draws: 100, seed: 4 } });
const byName = (name: string) => {
  const code = continuumRound.byCode.find((entry) => entry.name === name);
  if (!code) throw new Error(`no code ${name}`);
  return code;
};

describe('[R4] a report headed by the unitized (k)uα per code', () => {
  it('says so in typed fields, with the round’s own unit beside the unit of its coded-unit statistics', () => {
    expect(continuumRound.headline).toBe('unitized');
    expect(continuumRound.roundUnit).toEqual({ kind: 'continuum' });
    expect(continuumRound.unit).toEqual({ kind: 'turn' });
    const byHand = agreementReport(interviews(), base);
    expect(byHand.headline).toBe('coded');
    expect('roundUnit' in byHand).toBe(false);
    const turnRound = agreementReport(interviews(), { ...base, headline: 'coded', roundUnit: { kind: 'turn' } });
    expect(turnRound.roundUnit).toEqual({ kind: 'turn' });
  });

  it('opens its methods paragraph with (k)uα: its range over codes, the codes it is undefined for, and no interval', () => {
    // The fixture's two statistics rank the codes differently, so a paragraph built from the turn alpha would fail below.
    expect(byName('Enabler').statistics.kripp_alpha_nominal).toBeLessThan(byName('Time').statistics.kripp_alpha_nominal as number);
    expect(byName('Enabler').unitizedKAlpha).toBeGreaterThan(byName('Time').unitizedKAlpha as number);
    const low = (byName('Time').unitizedKAlpha as number).toFixed(3);
    const high = (byName('Barrier').unitizedKAlpha as number).toFixed(3);
    const opening =
      "In this calibration round intercoder agreement was measured on the codings' own boundaries, with no units imposed, on 1 transcript " +
        'coded independently by 2 coders (Ana, Ben) with a codebook of 3 applied codes: per code, as the unitized (k)uα (Krippendorff et al. 2016); ' +
        `it ranged from ${low} (Time) to ${high} (Barrier). ` +
        `Over all codes together, uα was ${(continuumRound.overall.unitized.u_alpha as number).toFixed(3)} and |uα (coded vs. uncoded) ${(continuumRound.overall.unitized.binary_u_alpha as number).toFixed(3)}. ` +
        'No confidence interval is reported for (k)uα or uα. ' +
        'Secondary to these, coded-unit statistics were computed over speaker turns: the transcripts were divided into 6 speaker turns; ';
    expect(continuumRound.methodsText.slice(0, opening.length)).toBe(opening);
  });

  it('keeps the coded-unit statistics and their interval in the paragraph, after (k)uα and called secondary', () => {
    const text = continuumRound.methodsText;
    const interval = continuumRound.overall.intervals.kripp_alpha_nominal;
    expect(interval).toBeDefined();
    const secondary = text.indexOf('Secondary to these, coded-unit statistics were computed over speaker turns');
    expect(secondary).toBeGreaterThan(text.indexOf('(k)uα'));
    expect(text.indexOf(`Krippendorff's alpha was ${(continuumRound.overall.statistics.kripp_alpha_nominal as number).toFixed(3)}`)).toBeGreaterThan(secondary);
    expect(text).toContain(`95% bootstrap percentile interval ${interval.lower.toFixed(3)}–${interval.upper.toFixed(3)} over the 6 units, 100 resamples, seed 4`);
    expect(text.endsWith('Per-code values are reported in the accompanying table. Computed with cocode.')).toBe(true);
    // The coded-unit part is the same text as in a report headed by coded units.
    const coded = agreementReport(interviews(), { ...base, bootstrap: { draws: 100, seed: 4 } }).methodsText;
    const codedPart = coded.slice(coded.indexOf('the transcripts were divided into'), coded.indexOf('Treating the codings'));
    expect(text).toContain(codedPart);
  });

  it('names the secondary unit it was given, the transcripts laid end to end when there are several, and no round when it is of none', () => {
    const [one] = interviews();
    const two = [one, { ...one, id: 'd2', title: 'Interview 2' }];
    const text = agreementReport(two, { ...base, unit: { kind: 'sentence' }, headline: 'unitized' }).methodsText;
    expect(text).toMatch(/^Intercoder agreement was measured on the codings' own boundaries, with no units imposed, on 2 transcripts /);
    expect(text).toContain('per code, as the unitized (k)uα (Krippendorff et al. 2016), with the transcripts laid end to end as one continuum; it ranged from');
    expect(text).toContain('Secondary to these, coded-unit statistics were computed over sentences: the transcripts were divided into');
  });

  it('names one value once when every defined code has it, and says when it is undefined for every code', () => {
    const [document] = interviews();
    const only = (quotes: string[]) => ({ ...document, codings: document.codings.filter((coding) => quotes.includes(document.text.slice(coding.start, coding.end))) });
    const clauseOf = (documents: ReportDocument[]) => {
      const text = agreementReport(documents, { ...base, headline: 'unitized' }).methodsText;
      const start = text.indexOf('(Krippendorff et al. 2016); ') + '(Krippendorff et al. 2016); '.length;
      return text.slice(start, text.indexOf('. ', start));
    };
    // One stretch, Enabler to one coder and Time to the other: the same (k)uα for both codes.
    const confused = only(['Anything else?']);
    const both = agreementReport([confused], { ...base, headline: 'unitized' }).byCode.map((code) => code.unitizedKAlpha as number);
    expect(both).toHaveLength(2);
    expect(clauseOf([confused])).toBe(`it was ${both[0].toFixed(3)} for each of 2 codes`);
    // Barrier coded by one coder alone overlaps no other coder's segment.
    const withBarrier = { ...confused, codings: [...confused.codings, ...only(['The paperwork']).codings] };
    expect(clauseOf([withBarrier])).toBe(`it was ${both[0].toFixed(3)} for each of 2 codes, and was undefined for 1 code`);
    expect(clauseOf([{ ...document, codings: document.codings.slice(0, 1) }])).toBe('it was undefined for every code');
    const [withUndefined] = interviews();
    withUndefined.codings = [...withUndefined.codings, { coder: 'ana', codeId: 'u', start: 3, end: 9 }];
    expect(clauseOf([withUndefined])).toMatch(/^it ranged from -?\d\.\d{3} \(Time\) to 1\.000 \(Barrier\), and was undefined for 1 code$/);
  });

  it('is the report headed by coded units in every other field, which is the report it always was', () => {
    const { headline, roundUnit, methodsText, ...rest } = continuumRound;
    const coded = agreementReport(interviews(), { ...base, bootstrap: { draws: 100, seed: 4 } });
    const { headline: codedHeadline, methodsText: codedText, ...codedRest } = coded;
    expect([headline, roundUnit, codedHeadline]).toEqual(['unitized', { kind: 'continuum' }, 'coded']);
    expect(rest).toEqual(codedRest);
    expect(codedText).toMatch(/^Intercoder agreement was assessed on 1 transcript coded independently by 2 coders \(Ana, Ben\) with a codebook of 3 applied codes\. For coded-unit statistics /);
    expect(methodsText).not.toBe(codedText);
  });
});

describe('[Q1] the per-code numbers a round’s navigator orders by', () => {
  it('are the report’s (k)uα per code under a unitized headline and its alpha under a coded one, for the codes it lists', () => {
    const unitized = headlinePerCode(interviews(), { ...base, headline: 'unitized' });
    expect(unitized).toEqual(Object.fromEntries(continuumRound.byCode.map((code) => [code.codeId, code.unitizedKAlpha])));
    const coded = headlinePerCode(interviews(), base);
    expect(coded).toEqual(Object.fromEntries(continuumRound.byCode.map((code) => [code.codeId, code.statistics.kripp_alpha_nominal])));
    expect(Object.keys(unitized).sort()).toEqual(['b', 'e', 't']);
    expect(unitized).not.toEqual(coded);
  });

  it('follow the unit of the coded-unit statistics and leave out coders not chosen', () => {
    const bySentence = headlinePerCode(interviews(), { ...base, unit: { kind: 'window', size: 20 } });
    const report = agreementReport(interviews(), { ...base, unit: { kind: 'window', size: 20 } });
    expect(bySentence).toEqual(Object.fromEntries(report.byCode.map((code) => [code.codeId, code.statistics.kripp_alpha_nominal])));
    expect(bySentence).not.toEqual(headlinePerCode(interviews(), base));
    const [document] = interviews();
    const withThird = [{ ...document, codings: [...document.codings, { coder: 'cy', codeId: 'b', start: 0, end: 30 }] }];
    expect(headlinePerCode(withThird, { ...base, headline: 'unitized' })).toEqual(headlinePerCode(interviews(), { ...base, headline: 'unitized' }));
  });
});
