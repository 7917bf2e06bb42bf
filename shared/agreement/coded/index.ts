import { bootstrapIntervals } from './bootstrap';
import { describeCodedData } from './codedDiagnostics';
import { type EncodedMatrix, encodeMatrix } from './encode';
import { computeStatistics, type StatisticsContext } from './statistics';
import { accumulateSufficientStatistics, agreementWeights } from './sufficientStatistics';
import type { CodedAgreementOptions, CodedAgreementResult, CodedMatrix } from './types';

export type {
  AlphaIntervalMethod,
  BootstrapInterval,
  BootstrapMethod,
  BootstrapOptions,
  CodedAgreementOptions,
  CodedAgreementResult,
  CodedMatrix,
  CodedValue,
  MeasurementLevel,
} from './types';
export { ALPHA_INTERVAL_METHODS, MEASUREMENT_LEVELS } from './types';

/**
 * Every coded-unit agreement coefficient for a units × coders matrix (`null` = missing), with
 * plain-language diagnostics and, when asked, bootstrap percentile intervals.
 *
 * A statistic that does not apply to the data (Cohen's kappa with three coders, weighted
 * coefficients on unordered labels) is absent; one that is 0/0 is `null` with a diagnostic.
 */
export function computeCodedAgreement(matrix: CodedMatrix, options: CodedAgreementOptions = {}): CodedAgreementResult {
  return computeEncodedAgreement(encodeMatrix(matrix), options);
}

/** computeCodedAgreement for data already integer-coded (by encodeMatrix, or read so from a file). */
export function computeEncodedAgreement(encoded: EncodedMatrix, options: CodedAgreementOptions = {}): CodedAgreementResult {
  const level = options.level ?? 'nominal';
  if (level !== 'nominal' && encoded.numericValues === null && encoded.categories.length > 0) {
    throw new RangeError(`${level} data must be numbers; found the label "${encoded.categories.find((c) => typeof c === 'string')}".`);
  }
  const allValuesNonNegative = encoded.numericValues === null || encoded.numericValues.every((value) => value >= 0);
  if (level === 'ratio' && !allValuesNonNegative) {
    throw new RangeError('ratio data must not be negative (the ratio metric compares values relative to zero).');
  }
  const weights = encoded.numericValues ? agreementWeights(encoded.numericValues) : null;
  const context: StatisticsContext = {
    level,
    numericValues: encoded.numericValues,
    agreementWeights: weights,
    allValuesNonNegative,
  };
  const suff = accumulateSufficientStatistics(encoded, weights, null);
  const { statistics, undefinedReasons } = computeStatistics(suff, context);
  const diagnostics = describeCodedData({ encoded, suff, statistics, undefinedReasons, coderNames: options.coderNames });

  if (!options.bootstrap) return { statistics, diagnostics, intervals: {} };
  const { intervals, diagnostics: bootstrapDiagnostics } = bootstrapIntervals(encoded, suff, context, statistics, options.bootstrap);
  return { statistics, diagnostics: [...diagnostics, ...bootstrapDiagnostics], intervals };
}
