/**
 * The round history: Krippendorff's alpha per code across calibration rounds as a line chart with
 * interval bands, the same numbers as a table, and per round the codebook version it used and what
 * changed in the codebook since the round before (SPEC R4).
 */
import { useMemo } from 'react';
import type { Project } from '../../../../shared/api/responses';
import type { RoundHistory } from '../../../../shared/api/rounds';
import type { Code } from '../../../../shared/collab/schema';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import { markerName, RoundHistoryChart } from '../agreement/charts';
import { formatInterval, formatStatistic, roundUnitLabel, verdictFor } from '../agreement/reading';

/** A line per code, at most this many in the chart (the table lists every code). */
const chartedCodesMax = 8;

export function RoundHistoryView({ project, codes }: { project: Project; codes: Code[] }) {
  const history = useAsync(() => api.roundHistory(project.id), [project.id]);
  return (
    <section className="agreement-section" aria-labelledby="round-history-title" data-testid="round-history">
      <h2 id="round-history-title">Round history</h2>
      {history.error ? (
        <p className="banner banner-error" role="alert">
          {history.error.message}
        </p>
      ) : !history.data ? (
        <p className="muted" aria-busy="true">
          Computing agreement for every round…
        </p>
      ) : (
        <HistoryBody history={history.data} codes={codes} />
      )}
    </section>
  );
}

function HistoryBody({ history, codes }: { history: RoundHistory; codes: Code[] }) {
  const colours = useMemo(() => new Map(codes.map((code) => [code.id, code.color])), [codes]);
  const roundIndex = new Map(history.rounds.map((round, index) => [round.roundId, index]));
  const series = history.codes.map((line) => {
    const points: ({ alpha: number | null; interval: { lower: number; upper: number } | null } | null)[] = history.rounds.map(() => null);
    for (const point of line.points) points[roundIndex.get(point.roundId) ?? 0] = { alpha: point.alpha, interval: point.interval };
    return { id: line.codeId, name: line.name, colour: colours.get(line.codeId) ?? '#4a5468', points };
  });
  if (history.rounds.length === 0) return <p className="empty-state small">No round’s numbers are open to you yet.</p>;
  const charted = series.slice(0, chartedCodesMax);
  // A round on the codings' own boundaries is charted by its own number, (k)uα, which has no interval.
  const anyContinuum = history.rounds.some((round) => round.unit.kind === 'continuum');
  return (
    <>
      {series.length > 0 && (
        <figure className="card agreement-figure">
          <RoundHistoryChart
            rounds={history.rounds.map((round) => round.name)}
            series={charted}
            title={`Krippendorff’s alpha per code across calibration rounds${anyContinuum ? ' (unitized (k)uα for rounds on the codings’ own boundaries)' : ''}`}
            description={`One line per code${series.length > chartedCodesMax ? ` (the first ${chartedCodesMax}; the table lists all)` : ''}, one point per round; bands show the 95% bootstrap interval${anyContinuum ? ' (rounds measured by (k)uα have no interval)' : ''}; dashed lines at .667 and .800.`}
          />
          <figcaption className="legend-list">
            {charted.map((line, index) => (
              <span key={line.id} className="legend-item">
                <span className="code-swatch" style={{ background: line.colour }} aria-hidden="true" /> {line.name} <span className="muted">({markerName(index)})</span>
              </span>
            ))}
          </figcaption>
        </figure>
      )}
      <div className="table-wrap card">
        <table className="data-table agreement-table" data-testid="round-history-table">
          <caption className="visually-hidden">Krippendorff’s alpha per code and round, with 95% intervals</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              {history.rounds.map((round) => (
                <th key={round.roundId} scope="col" className="numeric">
                  {round.name}
                  <span className="agreement-matrix-sub">
                    {round.status === 'open' ? 'open' : 'closed'}
                    {round.unit.kind === 'continuum' ? ', (k)uα, no interval' : ''}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series.map((line) => (
              <tr key={line.id}>
                <th scope="row">{line.name}</th>
                {line.points.map((point, index) => {
                  const verdict = verdictFor(point?.alpha);
                  return (
                    <td key={history.rounds[index].roundId} className="numeric">
                      {point ? (
                        <>
                          {formatStatistic(point.alpha)}{' '}
                          <span aria-hidden="true" className={`verdict-icon verdict-${verdict.level}`}>
                            {verdict.icon}
                          </span>
                          <span className="visually-hidden">{verdict.label}</span>
                          {point.interval && <span className="agreement-matrix-sub">{formatInterval(point.interval)}</span>}
                        </>
                      ) : (
                        <span className="muted">not in scope</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ol className="round-history-list">
        {history.rounds.map((round) => (
          <li key={round.roundId} className="card">
            <h3>{round.name}</h3>
            <p className="round-scope">
              By {roundUnitLabel(round.unit)}; target α ≥ {round.targetAlpha.toFixed(3).replace(/^0/, '')};{' '}
              {round.codebookVersion === null ? 'codebook not versioned yet' : `codebook version ${round.codebookVersion}`}.
            </p>
            {round.unavailable && <p className="hint">No numbers: {round.unavailable.message}.</p>}
            {round.changesSincePrevious &&
              (round.changesSincePrevious.text.length === 0 ? (
                <p className="hint">The codebook did not change since the round before.</p>
              ) : (
                <details>
                  <summary>
                    {round.changesSincePrevious.text.length} codebook change{round.changesSincePrevious.text.length === 1 ? '' : 's'} since the round before
                  </summary>
                  <ul className="codebook-changes">
                    {round.changesSincePrevious.text.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                </details>
              ))}
          </li>
        ))}
      </ol>
    </>
  );
}
