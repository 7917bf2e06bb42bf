import { type AgreementDiagnostic, diagnostic } from '../diagnostics';
import type { EncodedMatrix } from './encode';
import type { UndefinedReason } from './statistics';
import type { SufficientStatistics } from './sufficientStatistics';

/** Krippendorff (2004) and Gwet (2014) warn that reliability from fewer units than this is fragile. */
export const TOO_FEW_UNITS_THRESHOLD = 30;
/** A category used fewer times than this cannot show whether coders agree on it. */
export const SPARSE_CATEGORY_THRESHOLD = 5;
/** Kappa paradox (Feinstein & Cicchetti 1990): agreement at least this high … */
const PARADOX_MIN_AGREEMENT = 0.7;
/** … a chance-corrected coefficient this far below it … */
const PARADOX_MIN_GAP = 0.3;
/** … and one category taking at least this share of all values (skewed prevalence). */
const PARADOX_MIN_PREVALENCE = 0.6;

const PARADOX_CANDIDATES = ['cohen_kappa', 'scott_pi', 'fleiss_kappa', 'fleiss_kappa_gwet_missing', 'kripp_alpha_nominal'];
const COMPLETE_DATA_STATISTICS = [
  'percent_agreement_unanimous_units',
  'cohen_kappa',
  'cohen_kappa_linear',
  'cohen_kappa_quadratic',
  'scott_pi',
  'fleiss_kappa',
  'conger_kappa',
  'light_kappa',
];

const REASON_TEXT: Record<Exclude<UndefinedReason, 'no_variation'>, string> = {
  no_pairable_units: 'no unit was coded by two or more coders, so there is nothing to compare',
  no_complete_units: 'no unit was coded by every coder, and these coefficients need complete units',
  chance_agreement_is_one: 'chance agreement is 1 (every coder used one and the same category), so the coefficient is 0/0',
  coder_pair_undefined: "Cohen's kappa is 0/0 for at least one coder pair, so their mean is undefined",
};

export interface DiagnosticsInput {
  encoded: EncodedMatrix;
  suff: SufficientStatistics;
  statistics: Record<string, number | null>;
  undefinedReasons: Map<string, UndefinedReason>;
  coderNames: readonly string[] | undefined;
}

export function describeCodedData({ encoded, suff, statistics, undefinedReasons, coderNames }: DiagnosticsInput): AgreementDiagnostic[] {
  const diagnostics: AgreementDiagnostic[] = [];
  const q = suff.categoryCount;
  const m = suff.coderCount;
  const nameOfColumn = (column: number) => coderNames?.[column] ?? `coder ${column + 1}`;
  const label = (code: number) => String(encoded.categories[code]);
  const present = (keys: string[]) => keys.filter((key) => key in statistics);

  for (const column of encoded.emptyCoderColumns) {
    diagnostics.push(
      diagnostic('coder_without_values', 'warning', `${nameOfColumn(column)} gave no value at all and was left out of every statistic.`, {
        subject: { coder: nameOfColumn(column) },
      }),
    );
  }

  if (m < 2) {
    // One column of values has no pair of observers: every coefficient is undefined, and saying so
    // once, as an error, keeps "alpha is null" from reading like a measurement.
    const empty = new Set(encoded.emptyCoderColumns);
    const withValues = Array.from({ length: m + empty.size }, (_, column) => column).filter((column) => !empty.has(column));
    const who = withValues.length === 0 ? 'no coder gave any value' : `only ${nameOfColumn(withValues[0])} gave values`;
    diagnostics.push(
      diagnostic('too_few_coders', 'error', `Agreement needs values from at least two coders; ${who}, so there is nothing to compare.`, {
        value: m,
        measure: 'coders',
        ...(withValues.length === 1 ? { subject: { coder: nameOfColumn(withValues[0]) } } : {}),
      }),
    );
  }

  const unratedUnits = encoded.unitCount - suff.ratedUnits;
  if (suff.singleValueUnits > 0) {
    diagnostics.push(
      diagnostic(
        'unpairable_units_dropped',
        'info',
        `${suff.singleValueUnits} unit(s) were coded by only one coder and cannot show agreement; they were left out of every pairwise comparison${unratedUnits > 0 ? ` (${unratedUnits} unit(s) with no value at all were ignored too)` : ''}.`,
        { value: suff.singleValueUnits, measure: 'units' },
      ),
    );
  } else if (unratedUnits > 0) {
    diagnostics.push(
      diagnostic('unpairable_units_dropped', 'info', `${unratedUnits} unit(s) have no value at all and were ignored.`, {
        value: unratedUnits,
        measure: 'units',
      }),
    );
  }

  const incompleteUnits = suff.ratedUnits - suff.completeUnits;
  const listwiseStatistics = present(COMPLETE_DATA_STATISTICS);
  if (incompleteUnits > 0 && m >= 2 && listwiseStatistics.length > 0) {
    diagnostics.push(
      diagnostic(
        'incomplete_units_dropped',
        'warning',
        `${incompleteUnits} of ${suff.ratedUnits} coded unit(s) miss at least one coder's value and were left out of the complete-data coefficients (listwise deletion). Krippendorff's alpha and the *_gwet_missing / AC1 / Brennan–Prediger values use every pairable unit.`,
        { statistics: listwiseStatistics, value: incompleteUnits, measure: 'units' },
      ),
    );
  }

  if (suff.pairableUnits < TOO_FEW_UNITS_THRESHOLD) {
    diagnostics.push(
      diagnostic(
        'too_few_units',
        'warning',
        `Only ${suff.pairableUnits} unit(s) were coded by two or more coders; with fewer than ${TOO_FEW_UNITS_THRESHOLD} the coefficients swing widely from one sample to the next. Code more units before relying on them.`,
        { value: suff.pairableUnits, measure: 'pairable_units' },
      ),
    );
  }

  for (let k = 0; k < q; k++) {
    if (suff.categoryUses[k] < SPARSE_CATEGORY_THRESHOLD) {
      diagnostics.push(
        diagnostic(
          'sparse_code',
          'info',
          `Category "${label(k)}" was used only ${suff.categoryUses[k]} time(s) in all; there is too little evidence to tell whether coders agree on it.`,
          { subject: { category: label(k) }, value: suff.categoryUses[k], measure: 'uses' },
        ),
      );
    }
  }

  if (m >= 2) {
    for (let g = 0; g < m; g++) {
      for (let k = 0; k < q; k++) {
        if (suff.coderCategoryCounts[g * q + k] > 0) continue;
        const usedByOthers = suff.categoryUses[k];
        if (usedByOthers === 0) continue;
        const coder = nameOfColumn(encoded.keptCoderColumns[g]);
        diagnostics.push(
          diagnostic(
            'coder_never_used_code',
            'info',
            `${coder} never used category "${label(k)}", which the other coders used ${usedByOthers} time(s); check whether ${coder} understood that code.`,
            { subject: { coder, category: label(k) }, value: usedByOthers, measure: 'uses_by_others' },
          ),
        );
      }
    }
  }

  const paradox = kappaParadox(suff, statistics, label);
  if (paradox) diagnostics.push(paradox);

  diagnostics.push(...undefinedStatisticDiagnostics(statistics, undefinedReasons, q));
  return diagnostics;
}

function kappaParadox(
  suff: SufficientStatistics,
  statistics: Record<string, number | null>,
  label: (code: number) => string,
): AgreementDiagnostic | null {
  const agreement = statistics.percent_agreement_pairwise;
  if (agreement === null || agreement === undefined || agreement < PARADOX_MIN_AGREEMENT) return null;
  let totalUses = 0;
  let dominant = 0;
  for (let k = 0; k < suff.categoryCount; k++) {
    totalUses += suff.categoryUses[k];
    if (suff.categoryUses[k] > suff.categoryUses[dominant]) dominant = k;
  }
  const dominantShare = suff.categoryUses[dominant] / totalUses;
  if (dominantShare < PARADOX_MIN_PREVALENCE) return null;
  const lowCoefficients = PARADOX_CANDIDATES.filter((key) => {
    const value = statistics[key];
    return typeof value === 'number' && value <= agreement - PARADOX_MIN_GAP;
  });
  if (lowCoefficients.length === 0) return null;
  const ac1 = statistics.gwet_ac1;
  const shown = lowCoefficients.map((key) => `${key} = ${(statistics[key] as number).toFixed(3)}`).join(', ');
  return diagnostic(
    'kappa_paradox',
    'warning',
    `Coders agree on ${(agreement * 100).toFixed(1)}% of pairs, yet ${shown}: category "${label(dominant)}" makes up ${(dominantShare * 100).toFixed(1)}% of all values, so chance agreement is high and the kappa-type coefficients are pulled down (the kappa paradox).${typeof ac1 === 'number' ? ` Gwet's AC1, which is less affected by skewed prevalence, is ${ac1.toFixed(3)}.` : ''} Report the agreement and the category distribution next to the coefficient.`,
    { statistics: lowCoefficients, subject: { category: label(dominant) }, value: dominantShare, measure: 'dominant_category_share' },
  );
}

function undefinedStatisticDiagnostics(
  statistics: Record<string, number | null>,
  undefinedReasons: Map<string, UndefinedReason>,
  categoryCount: number,
): AgreementDiagnostic[] {
  const diagnostics: AgreementDiagnostic[] = [];
  const byReason = new Map<UndefinedReason, string[]>();
  for (const [key, reason] of undefinedReasons) {
    const keys = byReason.get(reason) ?? [];
    keys.push(key);
    byReason.set(reason, keys);
  }
  const noVariation = byReason.get('no_variation');
  if (noVariation) {
    const conventionKeys = noVariation.map((key) => `${key}_by_convention`);
    diagnostics.push(
      diagnostic(
        'no_variation',
        'warning',
        `Every pairable value is the same, so expected disagreement is 0 and ${noVariation.join(', ')} is 0/0: reliability cannot be assessed from these data. irr and NLTK report 1 by convention; that value is given separately as ${conventionKeys.join(', ')}.`,
        { statistics: [...noVariation, ...conventionKeys] },
      ),
    );
  }
  if (categoryCount === 1 && typeof statistics.gwet_ac1 === 'number') {
    const acKeys = ['gwet_ac1', 'gwet_ac2_linear', 'gwet_ac2_quadratic'].filter((key) => key in statistics);
    diagnostics.push(
      diagnostic(
        'no_variation',
        'info',
        `Only one category occurs, so Gwet's chance agreement is 0/0; ${acKeys.join(', ')} = 1 follows Gwet's (and irrCAC's) convention, not a measurement.`,
        { statistics: acKeys },
      ),
    );
  }
  for (const [reason, keys] of byReason) {
    if (reason === 'no_variation') continue;
    diagnostics.push(
      diagnostic('undefined_statistic', 'warning', `${keys.join(', ')} undefined: ${REASON_TEXT[reason]}.`, { statistics: keys }),
    );
  }
  return diagnostics;
}
