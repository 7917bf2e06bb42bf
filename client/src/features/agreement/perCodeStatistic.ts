/**
 * Which per-code statistic heads a report, as the report itself says (`headline`). Coded units
 * (turns, sentences, …) are read by Krippendorff's α per code; a calibration round on the codings'
 * own boundaries (unit `continuum`) by the unitized (k)uα per code (Krippendorff et al. 2016), the
 * number its round history charts. The report of such a round still carries coded-unit statistics,
 * over speaker turns (the server's `unitOfRound`); they stay visible, labelled as secondary, so
 * nobody cites them as the round's result. The methods paragraph is the server's, which opens
 * with the headline. Pure, so the tab, the saved HTML page and the tests read a report the same way.
 */
import type { AgreementReport } from '../../../../shared/api/responses';

type CodeAgreement = AgreementReport['byCode'][number];

export type PerCodeStatistic = 'kripp_alpha_nominal' | 'k_u_alpha';

/** The per-code number of the report's headline statistic. */
export function perCodeStatisticOf(report: Pick<AgreementReport, 'headline'>): PerCodeStatistic {
  return report.headline === 'unitized' ? 'k_u_alpha' : 'kripp_alpha_nominal';
}

export interface PerCodeValue {
  alpha: number | null;
  /** Null when the report has none: intervals not asked for, or none exists for the statistic. */
  interval: { lower: number; upper: number } | null;
}

/**
 * A code's headline value. (k)uα never has an interval: the report's bootstrap resamples coded
 * units, and the unitized block bootstrap covers uα, |uα and cuα, not (k)uα per code.
 */
export function perCodeValue(code: CodeAgreement, statistic: PerCodeStatistic): PerCodeValue {
  if (statistic === 'k_u_alpha') return { alpha: code.unitizedKAlpha, interval: null };
  const interval = code.intervals.kripp_alpha_nominal;
  return { alpha: code.statistics.kripp_alpha_nominal ?? null, interval: interval ? { lower: interval.lower, upper: interval.upper } : null };
}

/** How the coded-unit statistics of a continuum round are labelled wherever they are shown. */
export const secondaryTurnsLabel = 'over speaker turns (secondary)';

export const perCodeLabels: Record<
  PerCodeStatistic,
  {
    /** The table's headline column. */
    column: string;
    /** In a sentence: "sorted by …". */
    name: string;
    chartTitle: string;
    /** Under the bar chart's axis. */
    axis: string;
  }
> = {
  kripp_alpha_nominal: {
    column: 'α',
    name: 'Krippendorff’s alpha',
    chartTitle: 'Krippendorff’s alpha per code',
    axis: 'Krippendorff’s α (nominal)',
  },
  k_u_alpha: {
    column: '(k)uα',
    name: 'unitized (k)uα',
    chartTitle: 'Unitized (k)uα per code, on the codings’ own boundaries',
    axis: 'Unitized (k)uα on the codings’ own boundaries; no interval',
  },
};

type Diagnostic = AgreementReport['diagnostics'][number];

/**
 * Why a code's headline value is undefined: for alpha, the code's own diagnostic (see
 * `undefinedAlphaReason`); for (k)uα, the unitized diagnostic that names the code's (k)uα.
 */
export function undefinedKAlphaReason(diagnostics: readonly Diagnostic[], codeName: string): Diagnostic | undefined {
  return diagnostics.find(
    (item) =>
      item.about.kind === 'unitized' &&
      (item.kind === 'too_few_coders' ||
        ((item.kind === 'undefined_statistic' || item.kind === 'no_variation') && item.statistics?.includes('k_u_alpha') && item.subject?.category === codeName)),
  );
}

/** Codes ordered by their headline value; undefined values go last either way, there is nothing to rank them by. */
export function sortByHeadline(codes: readonly CodeAgreement[], statistic: PerCodeStatistic, direction: 'ascending' | 'descending'): CodeAgreement[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...codes].sort((a, b) => {
    const x = perCodeValue(a, statistic).alpha;
    const y = perCodeValue(b, statistic).alpha;
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    return sign * (x - y);
  });
}
