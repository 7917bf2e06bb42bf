/**
 * Krippendorff's (2004) reading of alpha, the one place its thresholds are written: α ≥ .800
 * reliable; .667 ≤ α < .800 for tentative conclusions only; below .667, discard the data. The
 * report, the bootstrap's q = P(α < threshold), the page and the methods text all use these.
 */

export const alphaThresholds = { tentative: 0.667, reliable: 0.8 } as const;

/** The thresholds as the bootstrap reports them, e.g. `probabilityBelow['0.800']`. */
export const alphaThresholdKeys = ['0.667', '0.800'] as const;
export type AlphaThresholdKey = (typeof alphaThresholdKeys)[number];

export type VerdictLevel = 'reliable' | 'tentative' | 'unreliable' | 'undefined';

export function verdictLevel(alpha: number | null | undefined): VerdictLevel {
  if (alpha === null || alpha === undefined || !Number.isFinite(alpha)) return 'undefined';
  if (alpha >= alphaThresholds.reliable) return 'reliable';
  if (alpha >= alphaThresholds.tentative) return 'tentative';
  return 'unreliable';
}

/** The thresholds as a sentence, for the page and the methods paragraph. */
export const verdictRule = 'α ≥ .800 reliable; .667 to .800 for tentative conclusions only; below .667 unreliable';
