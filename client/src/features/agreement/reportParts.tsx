/**
 * The parts of the agreement report that the tab and the standalone HTML page show alike: the
 * verdict badge, the standard columns of a table row (units, α, interval, verdict, % agree, AC1),
 * and the data the two charts are drawn from. Both render these, so the saved page cannot drift
 * from what the tab showed.
 */
import type { AgreementReport } from '../../../../shared/api/responses';
import type { AlphaBar } from './charts';
import { type PerCodeStatistic, perCodeValue, secondaryTurnsLabel } from './perCodeStatistic';
import { formatInterval, formatPercent, formatStatistic, scopes, verdictFor } from './reading';

/** Any row of the report: overall, a code, a pair, a transcript or a group. */
type Cell = Pick<AgreementReport['overall'], 'units' | 'statistics' | 'intervals'>;

/** The verdict for an alpha, and when it is undefined the reason (where the caller knows one). */
export function VerdictBadge({ alpha, reason }: { alpha: number | null | undefined; reason?: string }) {
  const verdict = verdictFor(alpha);
  return (
    <span className="agreement-verdict-wrap">
      <span className={`agreement-verdict verdict-${verdict.level}`}>
        <span aria-hidden="true" className="agreement-verdict-icon">
          {verdict.icon}
        </span>{' '}
        {verdict.label}
      </span>
      {verdict.level === 'undefined' && reason && <span className="agreement-reason">{reason}</span>}
    </span>
  );
}

export function CellHeaders({ withIntervals }: { withIntervals: boolean }) {
  return (
    <>
      <th scope="col" className="numeric">
        Units
      </th>
      <th scope="col" className="numeric">
        α
      </th>
      {withIntervals && (
        <th scope="col" className="numeric">
          95% CI
        </th>
      )}
      <th scope="col">Verdict</th>
      <th scope="col" className="numeric">
        % agree
      </th>
      <th scope="col" className="numeric">
        AC1
      </th>
    </>
  );
}

/** The row cells under `CellHeaders`, in the same order. */
export function CellColumns({ cell, withIntervals, reason }: { cell: Cell; withIntervals: boolean; reason?: string }) {
  const alpha = cell.statistics.kripp_alpha_nominal;
  return (
    <>
      <td className="numeric">{cell.units}</td>
      <td className="numeric agreement-alpha">{formatStatistic(alpha)}</td>
      {withIntervals && <td className="numeric agreement-interval">{formatInterval(cell.intervals.kripp_alpha_nominal) || '—'}</td>}
      <td>
        <VerdictBadge alpha={alpha} reason={reason} />
      </td>
      <td className="numeric">{formatPercent(cell.statistics.percent_agreement_pairwise)}</td>
      <td className="numeric">{formatStatistic(cell.statistics.gwet_ac1)}</td>
    </>
  );
}

/**
 * The per-transcript table. `reasonFor` says, for a diagnostic scope, why an undefined alpha is
 * undefined: the tab gives it beside the verdict; the saved page leaves it to its notes.
 */
export function TranscriptTable({
  report,
  withIntervals,
  className,
  reasonFor,
}: {
  report: AgreementReport;
  withIntervals: boolean;
  className?: string;
  reasonFor?: (scope: string) => string | undefined;
}) {
  return (
    <table className={className}>
      <caption className="visually-hidden">Agreement per transcript, all codes together</caption>
      <thead>
        <tr>
          <th scope="col">Transcript</th>
          <CellHeaders withIntervals={withIntervals} />
        </tr>
      </thead>
      <tbody>
        {report.byDocument.map((document) => (
          <tr key={document.documentId}>
            <th scope="row">{document.title}</th>
            <CellColumns cell={document} withIntervals={withIntervals} reason={reasonFor?.(scopes.document(document.title))} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Under the parts that hold coded-unit statistics only (coder pairs, transcripts, groups), in a
 * report headed by (k)uα: says what their numbers are, so none is taken for the round's.
 */
export function SecondaryNote({ statistic, className }: { statistic: PerCodeStatistic; className?: string }) {
  if (statistic !== 'k_u_alpha') return null;
  return <p className={className}>Krippendorff’s α over all codes, {secondaryTurnsLabel}: the report has no unitized value for these.</p>;
}

/** One bar per code for `AlphaBarChart`, in the order given: the report's headline statistic and its interval, if any. */
export function alphaBars(codes: readonly AgreementReport['byCode'][number][], statistic: PerCodeStatistic): AlphaBar[] {
  return codes.map((code) => ({ id: code.codeId, name: code.name, ...perCodeValue(code, statistic) }));
}

/** One cell per coder pair for `CoderPairHeatmap`. */
export function pairCells(report: AgreementReport) {
  return report.byCoderPair.map((pair) => ({
    coders: pair.coders,
    alpha: pair.statistics.kripp_alpha_nominal,
    percentAgreement: pair.statistics.percent_agreement_pairwise,
  }));
}
