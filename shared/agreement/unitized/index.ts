/**
 * Unitized agreement: coders mark their own segments on a common continuum (character offsets of a
 * transcript). One call reports
 *   - the Krippendorff, Mathet, Bouvry & Widlöcher (2016) family that ATLAS.ti shows: uα, |uα, cuα
 *     with its coverage, (k)uα per code (all codes of the input form one set of mutually exclusive
 *     values; for several semantic domains and Cuα see `./domains.ts`);
 *   - Krippendorff's (1995/2004) boundary-distance uα, one code at a time (`u_alpha_2004`).
 * Undefined values (0/0) are `null` with a diagnostic saying why.
 */

import { type AgreementDiagnostic, diagnostic } from '../diagnostics.js';
import { bucketUnitsByCode, computeKrippendorff2004ByCode, type Krippendorff2004Result } from './alpha2004.js';
import { computeUnitizedFamily2016, type UnitizedFamily2016 } from './alpha2016.js';
import { bootstrapUnitizedFamily } from './bootstrap.js';
import { mergeSameCodeOverlaps } from './continuum.js';
import { buildTilings, type PreparedUnitizedData, prepareUnitizedData } from './prepare.js';
import type { UnitizedInput } from './types.js';

export type { UnitizedInput, UnitizedSegment } from './types.js';

/** Codes with fewer segments than this (over all coders) get a `sparse_code` warning. */
const SPARSE_CODE_MIN_SEGMENTS = 5;
/** Below this share of the pairable length, cuα describes too little of the text to stand alone. */
const LOW_COVERAGE_SHARE = 0.2;

export function computeUnitizedAgreement(
  input: UnitizedInput,
  options?: { bootstrap?: { draws: number; seed: number } },
): { statistics: Record<string, unknown>; diagnostics: AgreementDiagnostic[] } {
  const { begin, end } = input.continuum;
  if (!(end > begin)) throw new RangeError(`The continuum must have positive length (got [${begin}, ${end})).`);
  const prepared = prepareUnitizedData({ begin, end }, input.data);
  const diagnostics = [...prepared.diagnostics, ...usageDiagnostics(prepared)];
  const statistics: Record<string, unknown> = {
    continuum_length: end - begin,
    coders: prepared.coders,
    codes: prepared.codes,
  };

  if (prepared.coders.length < 2) {
    diagnostics.push(
      diagnostic(
        'too_few_coders',
        'error',
        `Unitized agreement needs segments from at least two coders; ${prepared.coders.length === 0 ? 'no coder has a segment on the continuum' : `only ${prepared.coders[0]} has segments`}, so there is nothing to compare.`,
        { value: prepared.coders.length, measure: 'coders', ...(prepared.coders.length === 1 ? { subject: { coder: prepared.coders[0] } } : {}) },
      ),
    );
    const nullByCode = Object.fromEntries(prepared.codes.map((code) => [code, null]));
    Object.assign(statistics, {
      u_alpha: null,
      binary_u_alpha: null,
      cu_alpha: null,
      cu_share_of_pairable_length: null,
      k_u_alpha: nullByCode,
      u_alpha_2004: nullByCode,
    });
    return { statistics, diagnostics };
  }

  const valueOfCode = Int32Array.from(prepared.codes, (_, code) => code + 1);
  const tilings = buildTilings(prepared, valueOfCode, prepared.codes);
  if (tilings.codersWithOverlaps.length > 0 || tilings.mergedOverlaps > 0) {
    diagnostics.push(overlapDiagnostic(tilings.codersWithOverlaps, tilings.mergedOverlaps));
  }
  const family = computeUnitizedFamily2016(tilings.observers, tilings.valueNames.length);
  Object.assign(statistics, familyStatistics(family, tilings.valueNames));
  diagnostics.push(...familyDiagnostics(family, tilings.valueNames));

  const byCode2004 = krippendorff2004ByCode(prepared);
  statistics.u_alpha_2004 = mapCodes(prepared.codes, (code) => byCode2004[code].alpha);
  statistics.u_alpha_2004_observed_disagreement = mapCodes(prepared.codes, (code) => byCode2004[code].observedDisagreement);
  statistics.u_alpha_2004_expected_disagreement = mapCodes(prepared.codes, (code) => byCode2004[code].expectedDisagreement);
  prepared.codes.forEach((name, code) => {
    if (byCode2004[code].alpha === null) {
      diagnostics.push(
        diagnostic('no_variation', 'warning', `The 2004 uα of code "${name}" is undefined: its expected disagreement is 0.`, {
          statistics: ['u_alpha_2004'],
          subject: { category: name },
        }),
      );
    }
  });

  if (options?.bootstrap) {
    const result = bootstrapUnitizedFamily(prepared, valueOfCode, options.bootstrap);
    statistics.bootstrap = result.summary;
    diagnostics.push(...result.diagnostics);
  }
  return { statistics, diagnostics };
}

const mapCodes = <T>(codes: readonly string[], resultFor: (code: number) => T): Record<string, T> =>
  Object.fromEntries(codes.map((name, code) => [name, resultFor(code)]));

function familyStatistics(family: UnitizedFamily2016, valueNames: readonly string[]): Record<string, unknown> {
  const observedCoincidences: Record<string, number> = {};
  for (let c = 0; c < family.valueCount; c++) {
    for (let k = 0; k < family.valueCount; k++) {
      const cell = family.observedCoincidences[c * family.valueCount + k];
      if (cell !== 0) observedCoincidences[`${valueNames[c]}|${valueNames[k]}`] = cell;
    }
  }
  const totalDisagreement = family.boundaryDisagreement + family.labelDisagreement;
  return {
    u_alpha: family.uAlpha,
    binary_u_alpha: family.binaryUAlpha,
    cu_alpha: family.cuAlpha,
    cu_share_of_pairable_length: family.cuShareOfPairableLength,
    k_u_alpha: Object.fromEntries(valueNames.slice(1).map((name, index) => [name, family.kUAlpha[index + 1]])),
    observed_coincidences: observedCoincidences,
    boundary_share_of_disagreement: totalDisagreement > 0 ? family.boundaryDisagreement / totalDisagreement : null,
  };
}

function familyDiagnostics(family: UnitizedFamily2016, valueNames: readonly string[]): AgreementDiagnostic[] {
  const diagnostics: AgreementDiagnostic[] = [];
  const totalDisagreement = family.boundaryDisagreement + family.labelDisagreement;
  if (totalDisagreement > 0) {
    const boundaryShare = family.boundaryDisagreement / totalDisagreement;
    diagnostics.push(
      diagnostic(
        'boundary_vs_label',
        'info',
        `${Math.round(boundaryShare * 100)}% of the observed disagreement is about where segments begin and end ` +
          `(coded vs uncoded text), ${Math.round((1 - boundaryShare) * 100)}% about which code overlapping segments carry.`,
        { statistics: ['u_alpha', 'binary_u_alpha', 'cu_alpha'], value: boundaryShare, measure: 'boundary_share' },
      ),
    );
  }
  if (family.uAlpha === null) {
    diagnostics.push(
      diagnostic('no_variation', 'warning', 'uα is undefined: the coincidences show no variation (expected disagreement 0).', {
        statistics: ['u_alpha'],
      }),
    );
  }
  if (family.binaryUAlpha === null) {
    diagnostics.push(
      diagnostic(
        'no_variation',
        'warning',
        '|uα is undefined: either nothing or everything is coded, so coded vs uncoded cannot vary.',
        { statistics: ['binary_u_alpha'] },
      ),
    );
  }
  const share = family.cuShareOfPairableLength ?? 0;
  if (family.cuAlpha === null) {
    diagnostics.push(
      share === 0
        ? diagnostic('undefined_statistic', 'warning', 'cuα is undefined: no coded segments of different coders overlap.', {
            statistics: ['cu_alpha'],
          })
        : diagnostic(
            'no_variation',
            'warning',
            'cuα is undefined: where coded segments overlap, only one code is used (expected disagreement 0).',
            { statistics: ['cu_alpha'] },
          ),
    );
  }
  if (share > 0 && share < LOW_COVERAGE_SHARE) {
    diagnostics.push(
      diagnostic(
        'low_coverage',
        'warning',
        `cuα rests on only ${(share * 100).toFixed(1)}% of the pairable length (where coded segments of different coders overlap); read it together with uα and |uα.`,
        { statistics: ['cu_alpha'], value: share, measure: 'cu_share_of_pairable_length' },
      ),
    );
  }
  for (let k = 1; k < family.valueCount; k++) {
    if (family.kUAlpha[k] !== null) continue;
    diagnostics.push(
      diagnostic(
        'undefined_statistic',
        'info',
        `(k)uα of "${valueNames[k]}" is undefined: its segments never overlap another coder's coded segment, or its expected coincidences or disagreement are not positive (too little overlapping data).`,
        { statistics: ['k_u_alpha'], subject: { category: valueNames[k] } },
      ),
    );
  }
  return diagnostics;
}

/** Sparse codes and coders who never used a code that another coder used. */
function usageDiagnostics(prepared: PreparedUnitizedData): AgreementDiagnostic[] {
  const diagnostics: AgreementDiagnostic[] = [];
  const usage = prepared.codes.map(() => new Uint32Array(prepared.coders.length));
  prepared.segmentsByCoder.forEach((segments, coder) => {
    for (const code of segments.codes) usage[code][coder]++;
  });
  prepared.codes.forEach((name, code) => {
    const total = usage[code].reduce((sum, count) => sum + count, 0);
    if (total < SPARSE_CODE_MIN_SEGMENTS) {
      diagnostics.push(
        diagnostic(
          'sparse_code',
          'warning',
          `Code "${name}" has only ${total} segment(s) over all coders; its agreement values rest on very little data.`,
          { subject: { category: name }, value: total, measure: 'segments' },
        ),
      );
    }
    prepared.coders.forEach((coderName, coder) => {
      if (usage[code][coder] === 0 && total > 0) {
        diagnostics.push(
          diagnostic('coder_never_used_code', 'warning', `${coderName} never used code "${name}", which other coders used.`, {
            subject: { category: name, coder: coderName },
          }),
        );
      }
    });
  });
  return diagnostics;
}

function overlapDiagnostic(codersWithOverlaps: readonly string[], mergedOverlaps: number): AgreementDiagnostic {
  const parts: string[] = [];
  if (mergedOverlaps > 0) parts.push(`${mergedOverlaps} overlapping segment(s) with the same code were merged into one`);
  if (codersWithOverlaps.length > 0) {
    parts.push(
      `${codersWithOverlaps.join(', ')} applied different codes to the same text; the 2016 coefficients treat those ` +
        'stretches as one combined value (e.g. "a + b") — group mutually exclusive codes into semantic domains to avoid this',
    );
  }
  return diagnostic('overlapping_segments', 'warning', `${parts.join('; ')}.`, {
    statistics: ['u_alpha', 'binary_u_alpha', 'cu_alpha', 'k_u_alpha'],
    value: mergedOverlaps,
    measure: 'merged_segments',
  });
}

/**
 * The 2004 coefficient per code: every code is its own binary continuum, so a coder may overlap
 * codes freely; only overlapping units of the *same* code are merged (the definition needs an
 * observer's units of one code to be disjoint).
 */
export function krippendorff2004ByCode(prepared: PreparedUnitizedData): Krippendorff2004Result[] {
  const codeCount = prepared.codes.length;
  const observers = prepared.segmentsByCoder.map((segments) =>
    bucketUnitsByCode(mergeSameCodeOverlaps(segments).merged, codeCount),
  );
  return computeKrippendorff2004ByCode(observers, codeCount, prepared.bounds);
}

export type { AgreementDiagnostic };
export { computeSemanticDomainAgreement, type SemanticDomainAgreement } from './domains.js';
