// @vitest-environment jsdom
/**
 * The standalone HTML agreement report: a page that loads nothing, whose tables are the tab's own
 * (same columns, same values, same verdicts), so the saved file cannot say other than the screen.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AgreementReportView } from '../../client/src/features/agreement/AgreementReportView';
import { agreementReportHtml } from '../../client/src/features/agreement/reportHtml';
import { agreementReport, type ReportDocument } from '../../shared/agreement/report';

/** 30 speaker turns; Ana and Ben apply "cost" or "trust" alike except on every fifth turn. */
function documents(): ReportDocument[] {
  return ['Interview 1', 'Interview 2'].map((title, index) => {
    const turns = Array.from({ length: 30 }, (_, turn) => ({ start: turn * 20, end: turn * 20 + 19 }));
    const codings = turns.flatMap((range, turn) => {
      const code = turn % 3 === 0 ? 'trust' : 'cost';
      const bens = turn % 5 === index ? (code === 'cost' ? 'trust' : 'cost') : code;
      return [
        { coder: 'ana', codeId: code, start: range.start + 2, end: range.end - 2 },
        { coder: 'ben', codeId: bens, start: range.start + 2, end: range.end - 2 },
      ];
    });
    return { id: `d${index}`, title, attributes: { role: index === 0 ? 'nurse' : 'doctor' }, text: 'x'.repeat(600), turns, codings };
  });
}

const codes = [
  { id: 'cost', name: 'Cost', parentId: null },
  { id: 'trust', name: 'Trust', parentId: null },
];

const report = agreementReport(documents(), {
  unit: { kind: 'turn' },
  coders: ['ana', 'ben'],
  coderNames: { ana: 'Ana', ben: 'Ben' },
  codes,
  bootstrap: { draws: 100, seed: 3 },
});

const projectName = 'Care <&> "costs"';
const parse = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const page = parse(
  agreementReportHtml(report, { projectName, codeNames: new Map(codes.map((code) => [code.id, code.name])), generatedAt: new Date('2026-01-02T00:00:00Z') }),
);
const tab = parse(
  renderToStaticMarkup(
    <AgreementReportView report={report} projectName={projectName} codes={codes.map((code, index) => ({ ...code, order: index, color: '#336699', definition: '', inclusion: '', exclusion: '', example: '', archived: false }))} />,
  ),
);

/** The table that follows the heading with this text: its header cells and body rows, as text. */
function tableAfter(document: Document, heading: string) {
  const h2 = [...document.querySelectorAll('h2')].find((element) => element.textContent === heading);
  if (!h2) throw new Error(`no heading "${heading}"`);
  const table = (h2.closest('section') ?? h2.parentElement)?.querySelectorAll('table');
  const found = [...(table ?? [])].find((candidate) => h2.compareDocumentPosition(candidate) & h2.DOCUMENT_POSITION_FOLLOWING);
  if (!found) throw new Error(`no table after "${heading}"`);
  const text = (cell: Element) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
  return {
    headers: [...found.querySelectorAll('thead th')].map(text),
    rows: [...found.querySelectorAll('tbody tr')].map((row) => [...row.children].map(text)),
  };
}

describe('the standalone HTML agreement report', () => {
  it('is one page that loads nothing and runs nothing, with the project name escaped in its title', () => {
    expect(page.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(page.querySelectorAll('script, link, img[src]')).toHaveLength(0);
    expect(page.title).toBe(`Intercoder agreement — ${projectName}`);
    expect(page.querySelector('h1')?.textContent).toBe(`Intercoder agreement — ${projectName}`);
  });

  it('shows per code the standard columns and (k)uα, with the report’s values and verdicts', () => {
    const perCode = tableAfter(page, 'Per code');
    expect(perCode.headers).toEqual(['Code', 'Units', 'α', '95% CI', 'Verdict', '% agree', 'AC1', '(k)uα']);
    expect(perCode.rows.map((row) => row[0])).toEqual(['Cost', 'Trust']);
    const cost = report.byCode[0];
    expect(perCode.rows[0][1]).toBe(String(cost.units));
    const alpha = cost.statistics.kripp_alpha_nominal;
    expect(alpha).toBeGreaterThan(0);
    expect(perCode.rows[0][2]).toBe(alpha?.toFixed(3));
    expect(perCode.rows[0][4]).toMatch(/^[✓◐✗] (Reliable|Tentative only|Unreliable)$/);
  });

  it('has the tab’s per-transcript table: the same columns and the same cells', () => {
    const onPage = tableAfter(page, 'Per transcript');
    const onTab = tableAfter(tab, 'Per transcript');
    expect(onPage.headers).toEqual(['Transcript', 'Units', 'α', '95% CI', 'Verdict', '% agree', 'AC1']);
    expect(onPage).toEqual(onTab);
    expect(onPage.rows.map((row) => row[0])).toEqual(['Interview 1', 'Interview 2']);
    // The table's caption is for screen readers only: the page's own CSS has to hide it.
    expect(page.querySelector('caption')?.className).toBe('visually-hidden');
    expect(page.querySelector('style')?.textContent).toMatch(/\.visually-hidden \{ position: absolute;/);
  });
});
