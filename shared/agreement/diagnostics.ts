/**
 * Typed, plain-language explanations of why an agreement number should (not) be trusted.
 * Every statistic function returns its values together with a list of these; a statistic that is
 * undefined (0/0) is reported as `null` plus a diagnostic, never as NaN.
 */

export type DiagnosticSeverity = 'info' | 'warning' | 'error';

export type DiagnosticKind =
  /** Every pairable value is the same: expected disagreement is 0, so alpha/kappa are 0/0. */
  | 'no_variation'
  /** The statistic's denominator is zero for another reason (e.g. Pe = 1). */
  | 'undefined_statistic'
  /** Observed agreement is high but the chance-corrected coefficient is low (skewed prevalence). */
  | 'kappa_paradox'
  /** A category/code is used fewer than a threshold number of times. */
  | 'sparse_code'
  /** Fewer units than a threshold (default 30) were coded by at least two coders. */
  | 'too_few_units'
  /** A coder never used a code that other coders used. */
  | 'coder_never_used_code'
  /** A coder has no values at all. */
  | 'coder_without_values'
  /** Units with fewer than two values are not pairable and were left out. */
  | 'unpairable_units_dropped'
  /** How much of the observed disagreement is about boundaries and how much about labels. */
  | 'boundary_vs_label'
  /** cuα rests on a small share of the pairable length. */
  | 'low_coverage'
  /** A bootstrap interval rests on few resamples or a degenerate distribution. */
  | 'bootstrap_degenerate'
  /** Units with a missing value were left out of a complete-data coefficient (listwise deletion). */
  | 'incomplete_units_dropped'
  /** Segments that were empty or fell (partly) outside the continuum: left out or cut to it. */
  | 'invalid_segment'
  /** One coder's own segments overlap, which the unitizing coefficients do not expect (merged or combined). */
  | 'overlapping_segments'
  /** Fewer than two coders: no pair of observers to compare. */
  | 'too_few_coders';

export interface AgreementDiagnostic {
  kind: DiagnosticKind;
  severity: DiagnosticSeverity;
  /** One or two plain-language sentences a researcher can act on. */
  message: string;
  /** Result key(s) the diagnostic is about, e.g. `kripp_alpha_nominal`. */
  statistics?: string[];
  /** What the diagnostic is about: a code/category, a coder, a unit. */
  subject?: { category?: string; coder?: string; unit?: number };
  /** Supporting number (a count, a share), named by `measure`. */
  value?: number;
  measure?: string;
}

export function diagnostic(
  kind: DiagnosticKind,
  severity: DiagnosticSeverity,
  message: string,
  extra: Omit<AgreementDiagnostic, 'kind' | 'severity' | 'message'> = {},
): AgreementDiagnostic {
  return { kind, severity, message, ...extra };
}
