/**
 * The agreement report laid out for a methods reviewer: the headline coefficients with what each
 * one measures, a verdict per code, the coder pairs, transcripts and groups, the diagnostics that
 * say when a number should not be trusted, and the methods paragraph to copy.
 */
import { type ReactNode, useMemo, useRef, useState } from 'react';
import { alphaThresholdKeys, verdictRule } from '../../../../shared/agreement/verdict';
import type { AgreementReport } from '../../../../shared/api/responses';
import type { Code } from '../../../../shared/collab/schema';
import { AlphaBarChart, CoderPairHeatmap } from './charts';
import { downloadFile, perCodeCsv, reportFileName } from './exportFiles';
import {
  type PerCodeStatistic,
  perCodeLabels,
  perCodeStatisticOf,
  perCodeValue,
  secondaryTurnsLabel,
  sortByHeadline,
  undefinedKAlphaReason,
} from './perCodeStatistic';
import {
  formatInterval,
  formatPercent,
  formatStatistic,
  readableDiagnostic,
  scopes,
  severityIcons,
  thresholdText,
  undefinedAlphaReason,
  unitDescription,
  verdictFor,
} from './reading';
import { alphaBars, CellColumns, CellHeaders, pairCells, SecondaryNote, TranscriptTable, VerdictBadge } from './reportParts';

type Diagnostic = AgreementReport['diagnostics'][number];
type Cell = AgreementReport['overall'];
type Interval = Cell['intervals'][string];

interface Names {
  codes: ReadonlyMap<string, string>;
  coders: ReadonlyMap<string, string>;
}

export function AgreementReportView({ report, codes, projectName,
  roundName,
}: { report: AgreementReport; codes: Code[]; projectName: string;
  /** The calibration round the report is of, named in the files. */
  roundName?: string | null;
}) {
  const names: Names = useMemo(
    () => ({
      codes: new Map([...codes.map((code) => [code.id, code.name] as const), ...report.byCode.map((code) => [code.codeId, code.name] as const)]),
      coders: new Map(report.coders.map((coder) => [coder.id, coder.name])),
    }),
    [codes, report],
  );
  const colours = useMemo(() => new Map(codes.map((code) => [code.id, code.color])), [codes]);
  const withIntervals = Object.keys(report.overall.intervals).length > 0;
  const bootstrap = report.overall.intervals.kripp_alpha_nominal;
  // A round on the codings' own boundaries is read by (k)uα per code: the report says so itself.
  const statistic = perCodeStatisticOf(report);
  const documentsText = `${report.documents.length} transcript${report.documents.length === 1 ? '' : 's'}`;
  const [htmlProblem, setHtmlProblem] = useState<string | null>(null);
  // The renderer for the standalone page is loaded on demand: the tab itself never needs it.
  const downloadHtml = async () => {
    setHtmlProblem(null);
    try {
      const { agreementReportHtml } = await import('./reportHtml');
      const html = agreementReportHtml(report, {
        projectName,
        roundName,
        codeNames: names.codes,
        generatedAt: new Date(),
      });
      downloadFile(reportFileName(projectName, report, 'html', roundName), html, 'text/html;charset=utf-8');
    } catch (caught) {
      setHtmlProblem(`The HTML report could not be made: ${caught instanceof Error ? caught.message : String(caught)}`);
    }
  };

  return (
    <div className="agreement-report" data-testid="agreement-report">
      <div className="agreement-report-head">
        <p className="agreement-basis">
          {statistic === 'k_u_alpha'
            ? `The codings’ own boundaries in ${documentsText}, coded by ${report.coders.map((coder) => coder.name).join(', ')}; coded-unit statistics over ${unitDescription(report.unit, report.overall.units)} (secondary).`
            : `${unitDescription(report.unit, report.overall.units)} in ${documentsText}, coded by ${report.coders.map((coder) => coder.name).join(', ')}.`}{' '}
          {bootstrap
            ? `95% bootstrap intervals from ${bootstrap.requestedDraws.toLocaleString('en')} draws, seed ${bootstrap.seed}.`
            : 'No confidence intervals (turn them on above).'}
        </p>
        <div className="agreement-downloads">
          <button
            type="button"
            className="button small"
            onClick={() => downloadFile(reportFileName(projectName, report, 'csv', roundName), perCodeCsv(report), 'text/csv;charset=utf-8')}
          >
            <span aria-hidden="true">⤓</span> Download CSV <span className="visually-hidden">(per-code table)</span>
          </button>
          <button
            type="button"
            className="button small"
            onClick={() => downloadFile(reportFileName(projectName, report, 'json', roundName), `${JSON.stringify(report, null, 2)}\n`, 'application/json')}
          >
            <span aria-hidden="true">⤓</span> Download JSON <span className="visually-hidden">(full report)</span>
          </button>
        <button type="button" className="button small" onClick={downloadHtml}>
            <span aria-hidden="true">⤓</span> Download HTML report <span className="visually-hidden">(with charts, opens without cocode)</span>
          </button>
        </div>
      </div>
      {htmlProblem && (
        <p className="banner banner-error" role="alert">
          {htmlProblem}
        </p>
      )}

      <Headline report={report} statistic={statistic} withIntervals={withIntervals} />
      <CodeTable report={report} colours={colours} names={names} withIntervals={withIntervals} statistic={statistic} />
      <CoderPairMatrix report={report} statistic={statistic} />
      <GroupTable report={report} withIntervals={withIntervals} names={names} statistic={statistic} />
      <DocumentTable report={report} withIntervals={withIntervals} names={names} statistic={statistic} />
      <MethodsParagraph text={report.methodsText} />
      <Diagnostics report={report} names={names} />
    </div>
  );
}

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * All codes together. Alpha over the coded units heads it; for a round on the codings' own
 * boundaries uα does, and the coded-unit values beside it are labelled as over speaker turns.
 */
function Headline({ report, statistic, withIntervals }: { report: AgreementReport; statistic: PerCodeStatistic; withIntervals: boolean }) {
  const { statistics, intervals, unitized } = report.overall;
  const alpha = statistics.kripp_alpha_nominal;
  const interval = intervals.kripp_alpha_nominal;
  const below = interval?.probabilityBelow;
  const belowText =
    below &&
    `Probability that α is below ${alphaThresholdKeys.map((key, position) => `${position === 0 ? '' : '; below '}${thresholdText(key)}: ${formatPercent(below[key])}`).join('')}`;
  const uAlpha = numberOrNull(unitized.u_alpha);
  const cuAlpha = numberOrNull(unitized.cu_alpha);
  const cuShare = numberOrNull(unitized.cu_share_of_pairable_length);
  const continuum = statistic === 'k_u_alpha';
  const secondary = (name: string) => (continuum ? `${name}, ${secondaryTurnsLabel}` : name);
  const alphaHelp = 'Chance-corrected agreement on which codes each unit got: 1 is perfect, 0 is what chance alone gives.';
  const uAlphaHelp = 'Agreement on the codings’ own boundaries and codes, with no units imposed: where segments start and end, and what they are.';
  return (
    <section className="agreement-section" aria-labelledby="agreement-overall-title">
      <h2 id="agreement-overall-title">All codes together</h2>
      <div className="agreement-headline">
        {continuum ? (
          <MainStat
            name="Unitized uα"
            value={uAlpha}
            interval={withIntervals ? 'no interval' : undefined}
            help={`This round’s own statistic. ${uAlphaHelp}`}
          />
        ) : (
          <MainStat name="Krippendorff’s α (nominal)" value={alpha} interval={interval} note={belowText} help={alphaHelp} testId="overall-alpha" />
        )}
        {continuum && (
          <Stat
            name={secondary('Krippendorff’s α (nominal)')}
            value={formatStatistic(alpha)}
            interval={interval}
            note={belowText}
            help={alphaHelp}
            testId="overall-alpha"
          />
        )}
        <Stat
          name={secondary('Percent agreement')}
          value={formatPercent(statistics.percent_agreement_pairwise)}
          interval={intervals.percent_agreement_pairwise}
          help="Share of coder pairs that gave a unit the same codes. Not corrected for chance, so uncoded units inflate it."
        />
        <Stat
          name={secondary('Gwet’s AC1')}
          value={formatStatistic(statistics.gwet_ac1)}
          interval={intervals.gwet_ac1}
          help="Chance-corrected like α, but far less pulled down when most units carry no code (the kappa paradox)."
        />
        {!continuum && <Stat name="Unitized uα" value={formatStatistic(uAlpha)} help={uAlphaHelp} />}
        <Stat
          name="|uα (coded vs. uncoded)"
          value={formatStatistic(numberOrNull(unitized.binary_u_alpha))}
          help={`Do coders mark the same stretches of text as relevant, whatever the code?${
            cuAlpha !== null && cuShare !== null ? ` Where their segments overlap, cuα = ${formatStatistic(cuAlpha)} (on ${formatPercent(cuShare)} of the text).` : ''
          }`}
        />
      </div>
    </section>
  );
}

/** The statistic that heads the report, with its verdict; `interval` may say in words that there is none. */
function MainStat({
  name,
  value,
  interval,
  note,
  help,
  testId,
}: {
  name: string;
  value: number | null | undefined;
  interval?: Interval | string;
  note?: string;
  help: string;
  testId?: string;
}) {
  const verdict = verdictFor(value);
  return (
    <div className={`agreement-stat agreement-stat-main verdict-${verdict.level}`}>
      <p className="agreement-stat-name">{name}</p>
      <p className="agreement-stat-value" data-testid={testId}>
        {formatStatistic(value)}
      </p>
      <VerdictBadge alpha={value} />
      {interval && <p className="agreement-stat-interval">{typeof interval === 'string' ? `95% CI: ${interval}` : `95% CI ${formatInterval(interval)}`}</p>}
      {note && <p className="agreement-stat-interval">{note}</p>}
      <p className="agreement-stat-help">{help}</p>
    </div>
  );
}

function Stat({ name, value, interval, note, help, testId }: { name: string; value: string; interval?: Interval; note?: string; help: string; testId?: string }) {
  return (
    <div className="agreement-stat">
      <p className="agreement-stat-name">{name}</p>
      <p className="agreement-stat-value" data-testid={testId}>
        {value}
      </p>
      {interval && <p className="agreement-stat-interval">95% CI {formatInterval(interval)}</p>}
      {note && <p className="agreement-stat-interval">{note}</p>}
      <p className="agreement-stat-help">{help}</p>
    </div>
  );
}

/** The first sentence of a diagnostic: enough to say why a value is missing, in a table cell. */
function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return end < 0 ? text : text.slice(0, end + 1);
}

function reasonFor(report: AgreementReport, scope: string, names: Names): string | undefined {
  const diagnostic = undefinedAlphaReason(report.diagnostics, scope);
  return diagnostic && firstSentence(readableDiagnostic(diagnostic, names));
}

type CodeSort = { by: 'codebook' } | { by: 'alpha'; direction: 'ascending' | 'descending' };

/**
 * The per-code table. Its headline column (sortable, with the verdict) is the report's headline
 * statistic. For a round on the codings' own boundaries the coded-unit columns are grouped under
 * "over speaker turns (secondary)" and (k)uα gets the sort, the bold and a verdict of its own;
 * every column keeps the place it has in a coded-unit report, so the same column holds (k)uα in
 * both.
 */
function CodeTable({
  report,
  colours,
  names,
  withIntervals,
  statistic,
}: {
  report: AgreementReport;
  colours: Map<string, string>;
  names: Names;
  withIntervals: boolean;
  statistic: PerCodeStatistic;
}) {
  const [sort, setSort] = useState<CodeSort>({ by: 'codebook' });
  const twoCoders = report.coders.length === 2;
  const kappaKey = twoCoders ? 'cohen_kappa' : 'fleiss_kappa';
  const continuum = statistic === 'k_u_alpha';
  const labels = perCodeLabels[statistic];
  const rows = useMemo(() => (sort.by === 'codebook' ? report.byCode : sortByHeadline(report.byCode, statistic, sort.direction)), [report, sort, statistic]);
  const paradoxScopes = new Set(report.diagnostics.filter((item) => item.kind === 'kappa_paradox').map((item) => item.scope));
  const sortByAlpha = () =>
    setSort((current) => ({ by: 'alpha', direction: current.by === 'alpha' && current.direction === 'ascending' ? 'descending' : 'ascending' }));
  const kAlphaReason = (code: AgreementReport['byCode'][number]) => {
    const diagnostic = undefinedKAlphaReason(report.diagnostics, code.name);
    return diagnostic && firstSentence(readableDiagnostic(diagnostic, names));
  };
  const sortHeader = (
    <th scope="col" className="numeric" aria-sort={sort.by === 'alpha' ? sort.direction : undefined}>
      <button type="button" className="agreement-sort" onClick={sortByAlpha}>
        {labels.column}{' '}
        <span aria-hidden="true">{sort.by === 'alpha' ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}</span>
        <span className="visually-hidden">, sort by {continuum ? labels.column : 'alpha'}</span>
      </button>
    </th>
  );
  const codeHeader = (
    <th scope="col" rowSpan={continuum ? 2 : undefined} aria-sort={sort.by === 'codebook' ? 'other' : undefined}>
      <button type="button" className="agreement-sort" onClick={() => setSort({ by: 'codebook' })}>
        Code{sort.by === 'codebook' && <span className="muted"> (codebook order)</span>}
      </button>
    </th>
  );
  const usesHeader = (
    <th scope="col" rowSpan={continuum ? 2 : undefined}>
      Uses per coder
    </th>
  );
  const sharedHeaders = (alphaHeader: ReactNode) => (
    <>
      <th scope="col" className="numeric">
        Units
      </th>
      {alphaHeader}
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
        {twoCoders ? 'Cohen’s κ' : 'Fleiss’ κ'}
      </th>
      <th scope="col" className="numeric">
        AC1
      </th>
      <th scope="col" className="numeric">
        <abbr title="Cohen's kappa over characters (coded or not), averaged over coder pairs">Char. κ</abbr>
      </th>
    </>
  );
  const kAlphaTitle = "Unitized alpha for this code on the codings' own boundaries";

  return (
    <section className="agreement-section" aria-labelledby="agreement-codes-title">
      <h2 id="agreement-codes-title">Per code</h2>
      <p className="agreement-section-help">
        {continuum
          ? 'This round is measured on the codings’ own boundaries: each code’s (k)uα compares where coders put its segments, with no units imposed. The coded-unit columns, each code applied or not applied to each speaker turn, are secondary. '
          : 'Each code is judged on its own: applied or not applied to each unit. '}
        Verdicts follow Krippendorff (2004): {verdictRule}.
      </p>
      {report.byCode.length > 0 && (
        <figure className="card agreement-figure">
          <AlphaBarChart
            bars={alphaBars(rows, statistic)}
            title={labels.chartTitle}
            axisLabel={labels.axis}
            description={`One bar per code, in the table's order; dashed lines at .667 (tentative) and .800 (reliable)${
              continuum ? '; no whiskers: (k)uα has no interval' : withIntervals ? '; whiskers show the 95% bootstrap interval' : ''
            }. The table below gives the same values.`}
          />
          <figcaption className="hint">
            Bars are coloured and marked by verdict (✓ reliable, ◐ tentative, ✗ unreliable); the table below has every value.
          </figcaption>
        </figure>
      )}
      <div className="table-wrap card">
        <table className="data-table agreement-table" data-testid="agreement-code-table">
          <caption className="visually-hidden">
            Agreement per code, {sort.by === 'alpha' ? `sorted by ${labels.name}, ${sort.direction}` : 'in codebook order'}
          </caption>
          <thead>
            {continuum ? (
              <>
                <tr>
                  {codeHeader}
                  <th scope="colgroup" colSpan={withIntervals ? 7 : 6} className="muted">
                    Coded units, {secondaryTurnsLabel}
                  </th>
                  <th scope="colgroup" colSpan={withIntervals ? 4 : 3}>
                    On the codings’ own boundaries: this round’s statistic
                  </th>
                  {usesHeader}
                </tr>
                <tr>
                  {sharedHeaders(
                    <th scope="col" className="numeric">
                      α
                    </th>,
                  )}
                  {sortHeader}
                  {withIntervals && (
                    <th scope="col" className="numeric">
                      95% CI
                    </th>
                  )}
                  <th scope="col">Verdict</th>
                </tr>
              </>
            ) : (
              <tr>
                {codeHeader}
                {sharedHeaders(sortHeader)}
                <th scope="col" className="numeric">
                  <abbr title={kAlphaTitle}>(k)uα</abbr>
                </th>
                {usesHeader}
              </tr>
            )}
          </thead>
          <tbody>
            {rows.map((code) => {
              const alpha = code.statistics.kripp_alpha_nominal;
              const scope = scopes.code(code.name);
              const sharedCells = (
                <>
                  <td className="numeric">{code.units}</td>
                  <td className={continuum ? 'numeric' : 'numeric agreement-alpha'} data-statistic="kripp_alpha_nominal">
                    {formatStatistic(alpha)}
                  </td>
                  {withIntervals && <td className="numeric agreement-interval">{formatInterval(code.intervals.kripp_alpha_nominal) || '—'}</td>}
                  <td>
                    <VerdictBadge alpha={alpha} reason={reasonFor(report, scope, names)} />
                    {paradoxScopes.has(scope) && (
                      <span className="agreement-reason">
                        <span aria-hidden="true">⚠ </span>Kappa paradox: see the notes below
                      </span>
                    )}
                  </td>
                  <td className="numeric">{formatPercent(code.statistics.percent_agreement_pairwise)}</td>
                  <td className="numeric">{formatStatistic(code.statistics[kappaKey])}</td>
                  <td className="numeric">{formatStatistic(code.statistics.gwet_ac1)}</td>
                  <td className="numeric">{formatStatistic(code.characterLevel.cohenKappa)}</td>
                </>
              );
              return (
                <tr key={code.codeId} data-code-id={code.codeId}>
                  <th scope="row" className="agreement-code-name">
                    <span className="code-swatch" style={{ background: colours.get(code.codeId) ?? 'var(--line-strong)' }} aria-hidden="true" />
                    {code.name}
                  </th>
                  {sharedCells}
                  <td className={continuum ? 'numeric agreement-alpha' : 'numeric'} data-statistic="k_u_alpha">
                    {formatStatistic(code.unitizedKAlpha)}
                  </td>
                  {continuum && withIntervals && <td className="numeric agreement-interval">no interval</td>}
                  {continuum && (
                    <td>
                      <VerdictBadge alpha={perCodeValue(code, statistic).alpha} reason={kAlphaReason(code)} />
                    </td>
                  )}
                  <td>
                    <ul className="agreement-uses">
                      {report.coders.map((coder) => (
                        <li key={coder.id}>
                          <span className="agreement-uses-name">{coder.name}</span> <span className="agreement-uses-count">{code.usesByCoder[coder.id] ?? 0}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function CoderPairMatrix({ report, statistic }: { report: AgreementReport; statistic: PerCodeStatistic }) {
  const pairOf = (a: string, b: string) => report.byCoderPair.find((pair) => (pair.coders[0] === a && pair.coders[1] === b) || (pair.coders[0] === b && pair.coders[1] === a));
  return (
    <section className="agreement-section" aria-labelledby="agreement-pairs-title">
      <h2 id="agreement-pairs-title">Coder pairs</h2>
      <SecondaryNote statistic={statistic} className="agreement-section-help" />
      {report.coders.length >= 2 && (
        <figure className="card agreement-figure">
          <CoderPairHeatmap
            coders={report.coders}
            pairs={pairCells(report)}
            title={`Krippendorff’s alpha for each pair of coders, all codes together${statistic === 'k_u_alpha' ? `, ${secondaryTurnsLabel}` : ''}; darker is higher`}
          />
          <figcaption className="hint">Darker cells agree more; each cell names its α and verdict, and the table below repeats them.</figcaption>
        </figure>
      )}
      <div className="table-wrap card agreement-matrix-wrap">
        <table className="data-table agreement-table agreement-matrix">
          <caption className="visually-hidden">Krippendorff’s alpha and percent agreement for each pair of coders, all codes together</caption>
          <thead>
            <tr>
              <td />
              {report.coders.map((coder) => (
                <th key={coder.id} scope="col">
                  {coder.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {report.coders.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.name}</th>
                {report.coders.map((column) => {
                  if (row.id === column.id)
                    return (
                      <td key={column.id} className="agreement-matrix-self">
                        <span aria-hidden="true">·</span>
                        <span className="visually-hidden">same coder</span>
                      </td>
                    );
                  const pair = pairOf(row.id, column.id);
                  const alpha = pair?.statistics.kripp_alpha_nominal;
                  const verdict = verdictFor(alpha);
                  return (
                    <td key={column.id} className={`agreement-matrix-cell verdict-${verdict.level}`}>
                      <span className="agreement-matrix-alpha">
                        α {formatStatistic(alpha)}{' '}
                        <span aria-hidden="true" className="agreement-verdict-icon">
                          {verdict.icon}
                        </span>
                        <span className="visually-hidden">{verdict.label}</span>
                      </span>
                      <span className="agreement-matrix-sub">{formatPercent(pair?.statistics.percent_agreement_pairwise)} agree</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function GroupTable({ report, withIntervals, names, statistic }: { report: AgreementReport; withIntervals: boolean; names: Names; statistic: PerCodeStatistic }) {
  const attribute = report.byGroup[0]?.attribute;
  return (
    <section className="agreement-section" aria-labelledby="agreement-groups-title">
      <h2 id="agreement-groups-title">By participant {attribute ?? 'group'}</h2>
      {report.byGroup.length > 0 && <SecondaryNote statistic={statistic} className="agreement-section-help" />}
      {report.byGroup.length === 0 ? (
        <p className="empty-state small">None of the chosen transcripts has a value for this participant attribute.</p>
      ) : (
        <div className="table-wrap card">
          <table className="data-table agreement-table">
            <caption className="visually-hidden">Agreement per value of the participant attribute {attribute}, all codes together</caption>
            <thead>
              <tr>
                <th scope="col">{attribute === 'role' ? 'Role' : attribute}</th>
                <th scope="col" className="numeric">
                  Transcripts
                </th>
                <CellHeaders withIntervals={withIntervals} />
              </tr>
            </thead>
            <tbody>
              {report.byGroup.map((group) => (
                <tr key={group.value}>
                  <th scope="row">{group.value}</th>
                  <td className="numeric">{group.documents}</td>
                  <CellColumns cell={group} withIntervals={withIntervals} reason={reasonFor(report, scopes.group(group.attribute, group.value), names)} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DocumentTable({ report, withIntervals, names, statistic }: { report: AgreementReport; withIntervals: boolean; names: Names; statistic: PerCodeStatistic }) {
  return (
    <section className="agreement-section" aria-labelledby="agreement-documents-title">
      <h2 id="agreement-documents-title">Per transcript</h2>
      <SecondaryNote statistic={statistic} className="agreement-section-help" />
      <div className="table-wrap card">
        <TranscriptTable
          report={report}
          withIntervals={withIntervals}
          className="data-table agreement-table"
          reasonFor={(scope) => reasonFor(report, scope, names)}
        />
      </div>
    </section>
  );
}

/** Scope labels as headings: the report's scope strings are written for logs, not for a page. */
function scopeHeading(scope: string): string {
  if (scope === 'all codes') return 'All codes together';
  if (scope.startsWith('unitized')) return 'Unitized (codings’ own boundaries)';
  const quoted = /^(code|document) "(.*)"$/.exec(scope);
  if (quoted) return `${quoted[1] === 'code' ? 'Code' : 'Transcript'}: ${quoted[2]}`;
  if (scope.includes(' = ')) return `Group: ${scope}`;
  return `Coder pair: ${scope}`;
}

const severityOrder: Record<Diagnostic['severity'], number> = { error: 0, warning: 1, info: 2 };

function Diagnostics({ report, names }: { report: AgreementReport; names: Names }) {
  const groups = useMemo(() => {
    const byScope = new Map<string, Diagnostic[]>();
    for (const item of report.diagnostics) byScope.set(item.scope, [...(byScope.get(item.scope) ?? []), item]);
    return [...byScope.entries()].map(([scope, items]) => ({
      scope,
      items: [...items].sort((a, b) => severityOrder[a.severity] - severityOrder[b.severity]),
    }));
  }, [report]);
  const count = (items: Diagnostic[], severity: Diagnostic['severity']) => items.filter((item) => item.severity === severity).length;
  const summary = (items: Diagnostic[]) =>
    (['error', 'warning', 'info'] as const)
      .map((severity) => {
        const n = count(items, severity);
        return n === 0 ? null : `${n} ${severity === 'info' ? 'note' : severity}${n === 1 ? '' : 's'}`;
      })
      .filter(Boolean)
      .join(', ');

  return (
    <section className="agreement-section" aria-labelledby="agreement-diagnostics-title" id="agreement-diagnostics">
      <h2 id="agreement-diagnostics-title">What to watch for</h2>
      <p className="agreement-section-help">
        Plain-language notes on why a number may mislead: too few units, rarely used codes, the kappa paradox, disagreement about boundaries rather than
        codes.
      </p>
      {groups.length === 0 ? (
        <p className="empty-state small">No warnings: the data give no reason to doubt these numbers.</p>
      ) : (
        <div className="agreement-diagnostics">
          {groups.map((group, index) => (
            <details key={group.scope} className="agreement-diagnostic-group" open={index === 0}>
              <summary>
                <span className="agreement-diagnostic-scope">{scopeHeading(group.scope)}</span>
                <span className="agreement-diagnostic-count">
                  {count(group.items, 'error') + count(group.items, 'warning') > 0 && (
                    <span aria-hidden="true" className="severity-warning">
                      ⚠{' '}
                    </span>
                  )}
                  {summary(group.items)}
                </span>
              </summary>
              <ul className="agreement-diagnostic-list">
                {group.items.map((item, itemIndex) => (
                  // Diagnostics have no id; their order within a scope is fixed by the report.
                  <li key={itemIndex} className={`agreement-diagnostic severity-${item.severity}`}>
                    <span className="agreement-diagnostic-icon" aria-hidden="true">
                      {severityIcons[item.severity].icon}
                    </span>
                    <span>
                      <span className="agreement-diagnostic-severity">{severityIcons[item.severity].label}: </span>
                      {readableDiagnostic(item, names)}
                    </span>
                  </li>
                ))}
              </ul>
            </details>
          ))}
        </div>
      )}
    </section>
  );
}

function MethodsParagraph({ text }: { text: string }) {
  const paragraph = useRef<HTMLParagraphElement>(null);
  const [status, setStatus] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('Copied to the clipboard.');
    } catch {
      // Without clipboard permission (some browsers, plain http), select the text so Ctrl+C copies it.
      const selection = window.getSelection();
      if (paragraph.current && selection) selection.selectAllChildren(paragraph.current);
      setStatus('The paragraph is selected: press Ctrl+C (⌘C) to copy it.');
    }
  };
  return (
    <section className="agreement-section" aria-labelledby="agreement-methods-title">
      <div className="agreement-methods-head">
        <h2 id="agreement-methods-title">Methods paragraph</h2>
        <button type="button" className="button small" onClick={copy}>
          Copy paragraph
        </button>
        <span role="status" className="muted small">
          {status}
        </span>
      </div>
      <p className="card agreement-methods" ref={paragraph} data-testid="agreement-methods">
        {text}
      </p>
    </section>
  );
}
