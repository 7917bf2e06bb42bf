import type { AgreementDiagnostic } from '../diagnostics';

/** Krippendorff's levels of measurement; the level picks the alpha metrics that are reported. */
export type MeasurementLevel = 'nominal' | 'ordinal' | 'interval' | 'ratio';

export const MEASUREMENT_LEVELS: readonly MeasurementLevel[] = ['nominal', 'ordinal', 'interval', 'ratio'];

/** One cell of the reliability data: a numeric value, a nominal label, or `null` when the coder left the unit out. */
export type CodedValue = number | string | null;

/** Reliability data: one row per unit, one column per coder. */
export type CodedMatrix = readonly (readonly CodedValue[])[];

/**
 * How alpha's interval is resampled. `units` (the default) draws whole units, so the values coded on
 * one unit stay together; `hayes_krippendorff` draws pairable value pairs as if independent (Hayes &
 * Krippendorff 2007), which gives too narrow intervals when units have correlated pairs.
 */
export type AlphaIntervalMethod = 'units' | 'hayes_krippendorff';

export const ALPHA_INTERVAL_METHODS: readonly AlphaIntervalMethod[] = ['units', 'hayes_krippendorff'];

export interface BootstrapOptions {
  /** Number of resamples (default 1,000). */
  draws?: number;
  /** Seed of the pseudo-random generator; the same seed gives the same intervals. */
  seed?: number;
  /** Coverage of the percentile interval (default 0.95). */
  confidence?: number;
  /** How alpha is resampled (default `units`); the other coefficients always resample units. */
  alphaMethod?: AlphaIntervalMethod;
}

export interface CodedAgreementOptions {
  level?: MeasurementLevel;
  /** Coder names, in column order; used only to make diagnostics readable. */
  coderNames?: readonly string[];
  bootstrap?: BootstrapOptions;
}

export type BootstrapMethod = 'hayes_krippendorff_pairs' | 'unit_resampling';

export interface BootstrapInterval {
  lower: number;
  upper: number;
  /** Resamples on which the statistic was defined (the interval rests on these). */
  draws: number;
  /** Resamples requested. */
  requestedDraws: number;
  confidence: number;
  method: BootstrapMethod;
  seed: number;
  /** For alpha only, from its resampled values: q = P(alpha < .667) and P(alpha < .800) (Hayes & Krippendorff 2007). */
  probabilityBelow?: { '0.667': number; '0.800': number };
}

export interface CodedAgreementResult {
  statistics: Record<string, number | null>;
  diagnostics: AgreementDiagnostic[];
  intervals: Record<string, BootstrapInterval>;
}
