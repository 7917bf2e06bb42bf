// @vitest-environment jsdom
/**
 * The coded transcript page, parsed by jsdom's DOMParser: turns with speakers and timestamps,
 * Tiptap-style highlight marks split where the set of codings changes, margin labels, legend, header, no
 * external resources or scripts, and every text escaped.
 */
import { describe, expect, it } from 'vitest';
import type { ExchangeProject } from '../../../server/exchange/model';
import { codedTranscriptHtml } from '../../../server/exchange/tabular/codedTranscriptHtml';
import { refusalOf } from './refusal';
import { quotedMemo, studyProject } from './studyProject';

const exportedAt = new Date('2025-04-01T12:00:00.000Z');

function pageOf(project: ExchangeProject, sourceId = 'src-1', layers?: Parameters<typeof codedTranscriptHtml>[2]['layers']) {
  const html = codedTranscriptHtml(project, sourceId, { exportedAt, layers });
  return { html, document: new DOMParser().parseFromString(html, 'text/html') };
}

const texts = (nodes: Iterable<Element>) => [...nodes].map((node) => node.textContent);

/** For each segment of a turn's words: its text and the coding ids of the marks around it, outermost first. */
function segmentsOf(words: Element) {
  const segments: { text: string; codings: string[] }[] = [];
  const walk = (node: Node, codings: string[]) => {
    if (node.nodeType === node.TEXT_NODE) segments.push({ text: node.textContent ?? '', codings });
    else
      for (const child of node.childNodes) {
        const id = (child as Element).getAttribute?.('data-coding');
        walk(child, id ? [...codings, id] : codings);
      }
  };
  walk(words, []);
  return segments;
}

describe('coded transcript HTML', () => {
  it('shows every turn with its speaker, timestamp and exact words', () => {
    const { document } = pageOf(studyProject());
    const turns = [...document.querySelectorAll('section.turn')];
    expect(turns.map((turn) => turn.querySelector('.speaker')?.textContent)).toEqual(['Interviewer', 'GP', 'Interviewer']);
    expect(turns.map((turn) => turn.querySelector('.timestamp')?.textContent)).toEqual(['00:00:05', '00:00:12', '00:01:40']);
    expect(texts(document.querySelectorAll('.words'))).toEqual([
      'How do you lead? 🙂',
      'Mostly by trust, and time 🕐 is short.',
      'Thank you.',
    ]);
  });

  it("marks codings in Tiptap Highlight's markup, in the code's colour", () => {
    const { document } = pageOf(studyProject());
    const marks = [...document.querySelectorAll('mark')];
    expect(marks.length).toBeGreaterThan(0);
    for (const mark of marks) {
      const color = mark.getAttribute('data-color') ?? '';
      expect(color).toMatch(/^#[0-9a-f]{6}[0-9a-f]{2}$/);
      expect(mark.getAttribute('style')).toBe(`background-color: ${color}; color: inherit`);
    }
    const trustMark = document.querySelector('mark[data-coding="k-3"]');
    expect(trustMark?.getAttribute('data-color')?.slice(0, 7)).toBe('#2563eb');
    expect(trustMark?.getAttribute('title')).toBe('Leadership > Trust — Ben Kaur');
  });

  it('splits the words where the set of codings changes, so overlapping codings both stay visible', () => {
    const { document } = pageOf(studyProject());
    const [first, second] = [...document.querySelectorAll('.words')];
    expect(segmentsOf(first)).toEqual([
      { text: 'How do you ', codings: [] },
      { text: 'lead? ', codings: ['k-1'] },
      { text: '🙂', codings: ['k-1', 'k-2'] },
    ]);
    expect(segmentsOf(second)).toEqual([
      { text: 'Mostly', codings: ['k-2'] },
      { text: ' by ', codings: [] },
      { text: 'trust, and ', codings: ['k-3'] },
      { text: 'time', codings: ['k-3', 'k-4'] },
      { text: ' 🕐 is short', codings: ['k-4'] },
      { text: '.', codings: [] },
    ]);
    // Nested marks pad less the deeper they are, so the outer coding shows as a band around the inner.
    const inner = document.querySelector('mark[data-coding="k-3"] > mark[data-coding="k-4"]');
    expect(inner?.getAttribute('data-depth')).toBe('1');
    expect(inner?.parentElement?.getAttribute('data-depth')).toBe('0');
  });

  it('labels each coding in the margin beside the turn it starts in, with coder, passage and memo', () => {
    const { document } = pageOf(studyProject());
    const margins = [...document.querySelectorAll('section.turn')].map((turn) =>
      [...turn.querySelectorAll('.margin-label')].map((label) => [
        label.getAttribute('data-coding'),
        label.querySelector('.code-name')?.textContent,
        label.querySelector('.coder')?.textContent,
      ]),
    );
    expect(margins).toEqual([
      [
        ['k-1', 'Leadership', 'Ana Ortiz'],
        ['k-2', 'Leadership', 'Consensus'],
      ],
      [
        ['k-3', 'Trust', 'Ben Kaur'],
        ['k-4', 'Time pressure', 'Ben Kaur'],
      ],
      [],
    ]);
    const trust = document.querySelector('.margin-label[data-coding="k-3"]');
    expect(trust?.querySelector('.memo')?.textContent).toBe(quotedMemo);
    expect(trust?.querySelector('.passage')?.textContent).toBe('trust, and time');
    expect(trust?.getAttribute('style')).toBe('border-left-color: #2563eb');
  });

  it('has a legend of the codes shown with colour and count, in codebook order', () => {
    const { document } = pageOf(studyProject());
    const rows = [...document.querySelectorAll('.legend tbody tr')].map((row) => [
      row.querySelector('.code-path')?.textContent,
      row.querySelector('.swatch')?.getAttribute('style'),
      row.querySelector('.count')?.textContent,
    ]);
    expect(rows).toEqual([
      ['Leadership', 'background-color: #e11d48', '2'],
      ['Leadership > Trust', 'background-color: #2563eb', '1'],
      ['Time pressure', 'background-color: #16a34a', '1'],
    ]);
  });

  it('has a header with project, document, attributes, layers shown and date', () => {
    const { document } = pageOf(studyProject());
    const header = document.querySelector('header.page-header');
    expect(header?.querySelector('.project')?.textContent).toBe('Leadership & commissioning');
    expect(header?.querySelector('h1')?.textContent).toBe('Interview 1 — GP');
    expect(texts(header?.querySelectorAll('.attributes dt') ?? [])).toEqual(['role', 'site']);
    expect(texts(header?.querySelectorAll('.attributes dd') ?? [])).toEqual(['GP', 'North']);
    expect(header?.querySelector('.layers')?.textContent).toBe('Layers shown: Ana Ortiz, Ben Kaur, Consensus');
    expect(header?.querySelector('time')?.getAttribute('datetime')).toBe('2025-04-01T12:00:00.000Z');
    expect(header?.querySelector('time')?.textContent).toBe('2025-04-01');
    expect(document.title).toBe('Interview 1 — GP — Leadership & commissioning');
  });

  it('shows only the layers asked for, and says so', () => {
    const { document } = pageOf(studyProject(), 'src-1', [{ kind: 'coder', userId: 'u-ben' }]);
    expect(document.querySelector('.layers')?.textContent).toBe('Layers shown: Ben Kaur');
    expect(texts(document.querySelectorAll('.margin-label .code-name'))).toEqual(['Trust', 'Time pressure']);
    expect(document.querySelectorAll('mark[data-coding="k-1"], mark[data-coding="k-2"]')).toHaveLength(0);
  });

  it('opens without the server: no scripts, no external resources, inline CSS with print rules', () => {
    const { html, document } = pageOf(studyProject());
    expect(document.querySelectorAll('script, link, img, iframe, object, embed')).toHaveLength(0);
    expect(html).not.toMatch(/(src|href)=|url\(|@import/i);
    expect(document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'",
    );
    const css = document.querySelector('style')?.textContent ?? '';
    expect(css).toContain('@media print');
    expect(css).toContain('print-color-adjust: exact');
  });

  it('escapes <script> and quotes in memo, words, code name, speaker, attributes and titles', () => {
    const attack = '<script>alert("x")</script>';
    const project = studyProject();
    project.name = attack;
    project.codes[2].name = `${attack}'"`;
    project.codings[1].memo = attack;
    project.sources[0].title = attack;
    project.sources[0].attributes = { [attack]: attack };
    project.sources[0].turns[2] = { speaker: attack, timestamp: attack, text: `${attack} & done` };
    project.codings.push({
      id: 'k-9',
      sourceId: 'src-1',
      layer: { kind: 'coder', userId: 'u-ana' },
      codeId: 'c-trust',
      start: 59,
      end: 59 + attack.length,
      memo: '',
      createdAt: '2025-03-05T00:00:00.000Z',
      createdBy: 'u-ana',
    });
    const { html, document } = pageOf(project);
    expect(document.querySelectorAll('script')).toHaveLength(0);
    expect(html).not.toContain('<script>');
    expect(document.querySelector('.margin-label[data-coding="k-3"] .memo')?.textContent).toBe(attack);
    expect(document.querySelector('.margin-label[data-coding="k-3"] .code-name')?.textContent).toBe(`${attack}'"`);
    expect(document.querySelector('mark[data-coding="k-9"]')?.textContent).toBe(attack);
    expect(document.querySelector('mark[data-coding="k-9"]')?.getAttribute('title')).toBe(`Leadership > ${attack}'" — Ana Ortiz`);
    expect(document.querySelectorAll('.words')[2].textContent).toBe(`${attack} & done`);
    expect(document.querySelectorAll('.speaker')[2].textContent).toBe(attack);
    expect(document.querySelector('.attributes dt')?.textContent).toBe(attack);
    expect(document.querySelector('h1')?.textContent).toBe(attack);
    expect(document.title).toBe(`${attack} — ${attack}`);
  });

  it('shows a transcript without codings with an empty legend and no layers', () => {
    const project = studyProject();
    project.codings = [];
    const { document } = pageOf(project, 'src-2');
    expect(document.querySelectorAll('mark')).toHaveLength(0);
    expect(document.querySelector('.layers')?.textContent).toBe('Layers shown: none (no codings shown)');
    expect(document.querySelector('.legend tbody')?.textContent?.trim()).toBe('No codings shown.');
    expect(document.querySelector('.words')?.textContent).toBe('We plan together, =SUM(A1) style.');
  });

  it('refuses an unknown source and a layer of an unknown user', () => {
    expect(refusalOf(() => pageOf(studyProject(), 'src-9'), 'unknown_source')).toBe('no source has the id "src-9" in this project');
    expect(refusalOf(() => pageOf(studyProject(), 'src-1', [{ kind: 'coder', userId: 'u-0' }]), 'unknown_user')).toBe(
      'layers[0].userId: no user has the id "u-0"',
    );
  });
});
