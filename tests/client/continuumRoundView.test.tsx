// @vitest-environment jsdom
/**
 * The Agreement tab and the saved HTML page of a round on the codings' own boundaries: headed by
 * (k)uα per code (chart, table's sorted and bold column with its verdict, methods paragraph) with
 * no whisker and "no interval", and the coded-unit values labelled as over speaker turns (secondary).
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AgreementReportView } from '../../client/src/features/agreement/AgreementReportView';
import { formatStatistic, verdictFor } from '../../client/src/features/agreement/reading';
import { agreementReportHtml } from '../../client/src/features/agreement/reportHtml';
import { continuumRoundReport as report, roundCodes } from './continuumRoundReport';

const codes = roundCodes.map((code, index) => ({ ...code, order: index, color: '#336699', definition: '', inclusion: '', exclusion: '', example: '', archived: false }));
const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const text = (element: Element | null | undefined) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const tab = parse(
  renderToStaticMarkup(<AgreementReportView report={report} codes={codes} projectName="Care" roundName="Pilot" />),
);
const page = parse(
  agreementReportHtml(report, {
    projectName: 'Care',
    roundName: 'Pilot',
    codeNames: new Map(roundCodes.map((code) => [code.id, code.name])),
    generatedAt: new Date('2026-01-02T00:00:00Z'),
  }),
);

/** The bar chart's value labels, per code id, and whether any bar has a whisker. */
function chartOf(document: Document) {
  const chart = document.querySelector('[data-testid="alpha-bar-chart"]');
  if (!chart) throw new Error('no bar chart');
  const bars = [...chart.querySelectorAll('g[data-code-id]')];
  return {
    title: text(chart.querySelector('title')),
    axis: text([...chart.children].at(-1)),
    values: new Map(bars.map((bar) => [bar.getAttribute('data-code-id'), text([...bar.querySelectorAll('text')].at(-1))])),
    whiskers: bars.filter((bar) => bar.querySelector('g[stroke]')).length,
  };
}

describe('the Agreement tab of a continuum round', () => {
  it('charts (k)uα per code with no whisker, and says there is no interval', () => {
    const chart = chartOf(tab);
    expect(chart.title).toBe('Unitized (k)uα per code, on the codings’ own boundaries');
    expect(chart.axis).toBe('Unitized (k)uα on the codings’ own boundaries; no interval');
    expect(chart.whiskers).toBe(0);
    for (const code of report.byCode)
      expect(chart.values.get(code.codeId)).toBe(code.unitizedKAlpha === null ? '—' : `${formatStatistic(code.unitizedKAlpha)} ${verdictFor(code.unitizedKAlpha).icon}`);
  });

  it('heads the per-code table with (k)uα, sorted by it, with its own verdict and "no interval"; the turn columns are labelled secondary', () => {
    const table = tab.querySelector('[data-testid="agreement-code-table"]');
    const [groups, columns] = [...(table?.querySelectorAll('thead tr') ?? [])];
    expect([...(groups?.children ?? [])].map(text)).toEqual([
      'Code (codebook order)',
      'Coded units, over speaker turns (secondary)',
      'On the codings’ own boundaries: this round’s statistic',
      'Uses per coder',
    ]);
    expect([...(columns?.children ?? [])].map(text)).toEqual([
      'Units', 'α', '95% CI', 'Verdict', '% agree', 'Cohen’s κ', 'AC1', 'Char. κ', '(k)uα ↕, sort by (k)uα', '95% CI', 'Verdict',
    ]);
    for (const code of report.byCode) {
      const row = table?.querySelector(`tr[data-code-id="${code.codeId}"]`);
      const headline = row?.querySelector('td.agreement-alpha');
      expect(headline?.getAttribute('data-statistic')).toBe('k_u_alpha');
      expect(text(headline)).toBe(formatStatistic(code.unitizedKAlpha));
      const cells = [...(row?.querySelectorAll('td') ?? [])].map(text);
      expect(cells[9]).toBe('no interval');
      expect(cells[10]).toMatch(code.unitizedKAlpha === null ? /^— Undefined\(k\)uα of "Rare" is undefined/ : /^[✓◐✗] /);
      expect(text(row?.querySelector('[data-statistic="kripp_alpha_nominal"]'))).toBe(formatStatistic(code.statistics.kripp_alpha_nominal));
    }
  });

  it('heads all codes together with uα, the turn alpha beside it as secondary, and the methods paragraph with (k)uα', () => {
    const main = tab.querySelector('.agreement-stat-main');
    expect(text(main?.querySelector('.agreement-stat-name'))).toBe('Unitized uα');
    expect(text(main?.querySelector('.agreement-stat-value'))).toBe(formatStatistic(report.overall.unitized.u_alpha as number));
    expect(text(main)).toContain('95% CI: no interval');
    const alpha = tab.querySelector('[data-testid="overall-alpha"]')?.closest('.agreement-stat');
    expect(text(alpha?.querySelector('.agreement-stat-name'))).toBe('Krippendorff’s α (nominal), over speaker turns (secondary)');
    // The report's own paragraph, which opens with (k)uα: nothing of it is written again here.
    expect(report.methodsText).toMatch(/^In this calibration round intercoder agreement was measured on the codings' own boundaries/);
    expect(text(tab.querySelector('[data-testid="agreement-methods"]'))).toBe(report.methodsText);
    expect(text(tab.querySelector('#agreement-pairs-title')?.closest('section')?.querySelector('p'))).toMatch(/over speaker turns \(secondary\)/);
  });
});

describe('the saved HTML report of a continuum round', () => {
  it('has the tab’s chart and methods paragraph, and (k)uα with its verdict and "no interval" per code', () => {
    expect(chartOf(page)).toEqual(chartOf(tab));
    expect(text(page.querySelector('.methods'))).toBe(report.methodsText);
    const table = page.querySelector('h2 + p + svg + table');
    const [groups, columns] = [...(table?.querySelectorAll('thead tr') ?? [])];
    expect([...(groups?.querySelectorAll('th') ?? [])].map(text)).toEqual([
      'Coded units, over speaker turns (secondary)',
      'On the codings’ own boundaries: this round’s statistic',
    ]);
    expect([...(columns?.children ?? [])].map(text)).toEqual(['Code', 'Units', 'α', '95% CI', 'Verdict', '% agree', 'AC1', '(k)uα', '95% CI', 'Verdict']);
    const rows = [...(table?.querySelectorAll('tbody tr') ?? [])].map((row) => [...row.children].map(text));
    expect(rows.map((row) => row[0])).toEqual(report.byCode.map((code) => code.name));
    report.byCode.forEach((code, index) => {
      expect(rows[index][7]).toBe(formatStatistic(code.unitizedKAlpha));
      expect(rows[index][8]).toBe('no interval');
    });
    const headlines = [...page.querySelectorAll('.headline')].map(text);
    expect(headlines[0]).toMatch(/^Unitized uα \(all codes together, this round’s statistic\): .* — no interval\.$/);
    expect(headlines[1]).toMatch(/^Krippendorff’s α \(nominal, all codes together, over speaker turns \(secondary\)\)/);
  });
});
