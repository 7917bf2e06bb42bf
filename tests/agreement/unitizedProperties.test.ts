/**
 * Properties of the unitized coefficients that must hold for any data: perfect agreement gives 1,
 * names and positions do not matter, values stay in range, coincidences add up to m·L.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSemanticDomainAgreement } from '../../shared/agreement/unitized/domains.js';
import { computeUnitizedAgreement, type UnitizedInput, type UnitizedSegment } from '../../shared/agreement/unitized/index.js';

const CODE_NAMES = ['access', 'budget', 'consent', 'delay'];

/** One coder's layout: alternating gap and unit lengths with a code each, laid end to end. */
const layoutArbitrary = fc.array(
  fc.record({ gap: fc.integer({ min: 0, max: 8 }), length: fc.integer({ min: 1, max: 12 }), code: fc.integer({ min: 0, max: 3 }) }),
  { minLength: 1, maxLength: 8 },
);

function layOut(coder: string, layout: ReadonlyArray<{ gap: number; length: number; code: number }>, offset = 0): UnitizedSegment[] {
  const segments: UnitizedSegment[] = [];
  let cursor = offset;
  for (const piece of layout) {
    const start = cursor + piece.gap;
    segments.push({ coder, start, end: start + piece.length, code: CODE_NAMES[piece.code] });
    cursor = start + piece.length;
  }
  return segments;
}

const continuumFor = (data: readonly UnitizedSegment[], tail: number) => ({
  begin: 0,
  end: data.reduce((max, segment) => Math.max(max, segment.end), 0) + tail,
});

/** 2–4 coders with independent layouts, plus uncoded text after the last segment. */
const inputArbitrary = fc
  .record({ layouts: fc.array(layoutArbitrary, { minLength: 2, maxLength: 4 }), tail: fc.integer({ min: 0, max: 10 }) })
  .map(({ layouts, tail }): UnitizedInput => {
    const data = layouts.flatMap((layout, c) => layOut(`coder${c}`, layout));
    return { continuum: continuumFor(data, tail), data };
  });

const FAMILY_KEYS = ['u_alpha', 'binary_u_alpha', 'cu_alpha', 'cu_share_of_pairable_length'] as const;

function numbersClose(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs((a as number) - (b as number)) <= 1e-9;
}

function expectSameStatistics(a: Record<string, unknown>, b: Record<string, unknown>, renameCode: (code: string) => string = (code) => code) {
  for (const key of FAMILY_KEYS) expect(numbersClose(a[key], b[key]), `${key}: ${a[key]} vs ${b[key]}`).toBe(true);
  for (const key of ['k_u_alpha', 'u_alpha_2004'] as const) {
    const before = a[key] as Record<string, number | null>;
    const after = b[key] as Record<string, number | null>;
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).map(renameCode).sort());
    for (const code of Object.keys(before)) {
      expect(numbersClose(before[code], after[renameCode(code)]), `${key}.${code}: ${before[code]} vs ${after[renameCode(code)]}`).toBe(true);
    }
  }
}

describe('unitized agreement properties', () => {
  it('identical codings give 1 for every defined coefficient (2–5 coders, any layout)', () => {
    fc.assert(
      // At least one uncoded character after the last segment: a continuum coded end to end with a
      // single code has no variation, and uα is then 0/0 (null), which another test covers.
      fc.property(layoutArbitrary, fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 10 }), (layout, coders, tail) => {
        const data = Array.from({ length: coders }, (_, c) => layOut(`coder${c}`, layout)).flat();
        const { statistics } = computeUnitizedAgreement({ continuum: continuumFor(data, tail), data });
        for (const key of ['u_alpha', 'binary_u_alpha', 'cu_alpha'] as const) {
          if (statistics[key] !== null) expect(statistics[key]).toBeCloseTo(1, 12);
        }
        // uα is defined whenever something is coded and something is not: ∅ and the codes differ.
        expect(statistics.u_alpha).not.toBeNull();
        for (const perCode of [statistics.k_u_alpha, statistics.u_alpha_2004] as Array<Record<string, number | null>>) {
          for (const value of Object.values(perCode)) if (value !== null) expect(value).toBeCloseTo(1, 12);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a continuum coded end to end with one code by everyone has no variation: uα is null, with a diagnostic', () => {
    const data = ['a', 'b', 'c'].map((coder) => ({ coder, start: 0, end: 40, code: 'enabler' }));
    const { statistics, diagnostics } = computeUnitizedAgreement({ continuum: { begin: 0, end: 40 }, data });
    expect(statistics.u_alpha).toBeNull();
    expect(diagnostics.some((d) => d.kind === 'no_variation')).toBe(true);
  });

  it('disagreeing boundaries bring uα below 1', () => {
    fc.assert(
      fc.property(layoutArbitrary, fc.integer({ min: 1, max: 5 }), (layout, shift) => {
        const data = [...layOut('first', layout), ...layOut('second', layout, shift)];
        const { statistics } = computeUnitizedAgreement({ continuum: continuumFor(data, 5), data });
        expect(statistics.u_alpha as number).toBeLessThan(1);
      }),
      { numRuns: 100 },
    );
  });

  it('renaming coders, relabelling codes, shuffling the input and shifting the continuum change nothing', () => {
    fc.assert(
      fc.property(inputArbitrary, fc.integer({ min: -1000, max: 1000 }), fc.integer(), (input, shift, seed) => {
        const { statistics: original } = computeUnitizedAgreement(input);

        const renamedCoders = input.data.map((segment) => ({ ...segment, coder: `interviewer ${segment.coder.toUpperCase()}` }));
        expectSameStatistics(original, computeUnitizedAgreement({ ...input, data: renamedCoders }).statistics);

        const relabel = (code: string) => `theme:${code.split('').reverse().join('')}`;
        const relabelled = input.data.map((segment) => ({ ...segment, code: relabel(segment.code) }));
        expectSameStatistics(original, computeUnitizedAgreement({ ...input, data: relabelled }).statistics, relabel);

        const shuffled = [...input.data].sort((a, b) => ((a.start * 31 + a.end + seed) % 7) - ((b.start * 31 + b.end + seed) % 7));
        expectSameStatistics(original, computeUnitizedAgreement({ ...input, data: shuffled }).statistics);

        const shifted: UnitizedInput = {
          continuum: { begin: input.continuum.begin + shift, end: input.continuum.end + shift },
          data: input.data.map((segment) => ({ ...segment, start: segment.start + shift, end: segment.end + shift })),
        };
        expectSameStatistics(original, computeUnitizedAgreement(shifted).statistics);
      }),
      { numRuns: 150 },
    );
  });

  it('stays in range, and the observed coincidences add up to m × L', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const { statistics } = computeUnitizedAgreement(input);
        for (const key of ['u_alpha', 'binary_u_alpha', 'cu_alpha'] as const) {
          if (statistics[key] !== null) expect(statistics[key] as number).toBeLessThanOrEqual(1 + 1e-12);
        }
        for (const value of Object.values(statistics.k_u_alpha as Record<string, number | null>)) {
          if (value !== null) expect(value).toBeLessThanOrEqual(1 + 1e-12);
        }
        const share = statistics.cu_share_of_pairable_length as number;
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(1);
        const coders = (statistics.coders as string[]).length;
        const total = Object.values(statistics.observed_coincidences as Record<string, number>).reduce((sum, cell) => sum + cell, 0);
        expect(total).toBeCloseTo(coders * (input.continuum.end - input.continuum.begin), 9);
      }),
      { numRuns: 200 },
    );
  });

  it('adding a copy of a coder keeps perfect agreement perfect', () => {
    fc.assert(
      fc.property(layoutArbitrary, fc.integer({ min: 2, max: 3 }), (layout, coders) => {
        const data = Array.from({ length: coders }, (_, c) => layOut(`coder${c}`, layout)).flat();
        const withCopy = [...data, ...layOut('late joiner', layout)];
        const before = computeUnitizedAgreement({ continuum: continuumFor(data, 3), data }).statistics;
        const after = computeUnitizedAgreement({ continuum: continuumFor(withCopy, 3), data: withCopy }).statistics;
        expect(before.u_alpha).toBeCloseTo(1, 12);
        expect(after.u_alpha).toBeCloseTo(1, 12);
        expect(after.binary_u_alpha).toBeCloseTo(1, 12);
      }),
      { numRuns: 100 },
    );
  });

  it('with one semantic domain holding every code, Cuα is null and the domain repeats the overall family', () => {
    fc.assert(
      fc.property(inputArbitrary, (input) => {
        const { statistics } = computeUnitizedAgreement(input);
        const { statistics: domains } = computeSemanticDomainAgreement(input, { all: CODE_NAMES });
        expect(domains.Cu_alpha).toBeNull();
        for (const key of FAMILY_KEYS) expect(numbersClose(domains.by_domain.all[key], statistics[key])).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('the bootstrap is reproducible for a seed, and perfect agreement has the interval [1, 1]', () => {
    fc.assert(
      fc.property(inputArbitrary, fc.integer({ min: 0, max: 2 ** 31 }), (input, seed) => {
        const first = computeUnitizedAgreement(input, { bootstrap: { draws: 30, seed } }).statistics.bootstrap;
        const second = computeUnitizedAgreement(input, { bootstrap: { draws: 30, seed } }).statistics.bootstrap;
        expect(second).toEqual(first);
      }),
      { numRuns: 30 },
    );
    const data = [...layOut('a', [{ gap: 2, length: 5, code: 0 }, { gap: 3, length: 4, code: 1 }]), ...layOut('b', [{ gap: 2, length: 5, code: 0 }, { gap: 3, length: 4, code: 1 }])];
    const { statistics } = computeUnitizedAgreement({ continuum: continuumFor(data, 4), data }, { bootstrap: { draws: 200, seed: 7 } });
    const uAlpha = (statistics.bootstrap as Record<string, { ci95_lower: number; ci95_upper: number; defined_draws: number }>).u_alpha;
    expect(uAlpha.defined_draws).toBe(200);
    expect([uAlpha.ci95_lower, uAlpha.ci95_upper]).toEqual([1, 1]);
  });
});

describe('unitized agreement edge cases', () => {
  it('(k)uα is undefined, not above 1, when the self-pairing correction makes its expected row negative', () => {
    const data = [
      { coder: 'coder0', start: 2, end: 6, code: 'access' },
      { coder: 'coder1', start: 3, end: 7, code: 'access' },
      { coder: 'coder2', start: 8, end: 14, code: 'consent' },
      { coder: 'coder3', start: 1, end: 3, code: 'budget' },
    ];
    const { statistics, diagnostics } = computeUnitizedAgreement({ continuum: { begin: 0, end: 24 }, data });
    const kAlpha = statistics.k_u_alpha as Record<string, number | null>;
    expect(kAlpha.access).toBeNull();
    expect(diagnostics.some((d) => d.kind === 'undefined_statistic' && d.subject?.category === 'access')).toBe(true);
  });
});
