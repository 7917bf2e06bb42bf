/**
 * One coded transcript as a standalone, printable HTML page: speaker turns with their timestamps,
 * codings as highlights in the markup Tiptap's Highlight extension renders, the code names in a
 * margin beside the turn each coding starts in, a legend, and a header saying what is shown. The
 * page loads nothing (inline CSS, no scripts, a Content-Security-Policy that forbids both), so it
 * opens from a mail attachment or an archive years later exactly as it was exported.
 */
import { escapeHtml, standaloneHtmlPage } from '../../../shared/html';
import { invalid, notFound } from '../../errors';
import type { ExchangeLayer, ExchangeProject, ExchangeSource } from '../model';
import {
  codesInTreeOrder,
  compareText,
  indexProject,
  layerLabel,
  type ProjectIndex,
  type ResolvedCoding,
  turnIndexAt,
  turnStarts,
} from './projectIndex';

export interface CodedTranscriptHtmlOptions {
  /**
   * The layers to show, in any order; all layers with codings in this source when absent. The
   * caller leaves out layers the reader may not see (blind mode): this function shows what it is given.
   */
  layers?: ExchangeLayer[];
  /** Printed in the header as the export date. */
  exportedAt: Date;
}

/**
 * Alpha appended to a code's `#rrggbb` for its highlight: full-strength code colours would hide the
 * words, and translucent marks nested over each other blend, so overlapping codings stay visible.
 */
const highlightAlpha = '59';

/** Nested marks deeper than this get no extra padding band of their own (see the page CSS). */
const paddedDepths = 4;

export function codedTranscriptHtml(project: ExchangeProject, sourceId: string, options: CodedTranscriptHtmlOptions): string {
  const index = indexProject(project);
  const source = index.sourcesById.get(sourceId);
  if (!source) throw notFound(`no source has the id "${sourceId}" in this project`, 'unknown_source');

  const layers = layersShown(index, sourceId, options.layers);
  const shownKeys = new Set(layers.map(layerKey));
  const codings = index.codings
    .filter((resolved) => resolved.coding.sourceId === sourceId && shownKeys.has(layerKey(resolved.coding.layer)))
    .sort(compareNesting);

  return standaloneHtmlPage({
    title: `${source.title} — ${project.name}`,
    css: pageCss,
    body: [
      headerHtml(project, source, layers.map((layer) => layerLabel(layer, index.usersById)), options.exportedAt),
      `<main class="transcript">\n${turnsHtml(source, codings)}\n</main>`,
      legendHtml(index, codings),
    ].join('\n'),
  });
}

const layerKey = (layer: ExchangeLayer) => (layer.kind === 'consensus' ? 'consensus' : `coder:${layer.userId}`);

/** Coders by name, then the consensus layer. */
function layersShown(index: ProjectIndex, sourceId: string, requested: ExchangeLayer[] | undefined): ExchangeLayer[] {
  const candidates = requested ?? index.codings.filter((r) => r.coding.sourceId === sourceId).map((r) => r.coding.layer);
  const unique = new Map<string, ExchangeLayer>();
  candidates.forEach((layer, i) => {
    if (layer.kind === 'coder' && !index.usersById.has(layer.userId))
      throw invalid(`layers[${i}].userId: no user has the id "${layer.userId}"`, 'unknown_user');
    unique.set(layerKey(layer), layer);
  });
  const rank = (layer: ExchangeLayer) => (layer.kind === 'consensus' ? 1 : 0);
  return [...unique.values()].sort(
    (a, b) => rank(a) - rank(b) || compareText(layerLabel(a, index.usersById), layerLabel(b, index.usersById)),
  );
}

/** Outer marks first: earlier start, then longer, so a coding inside another nests inside it. */
function compareNesting(a: ResolvedCoding, b: ResolvedCoding): number {
  return (
    a.coding.start - b.coding.start ||
    b.coding.end - a.coding.end ||
    compareText(a.layerLabel, b.layerLabel) ||
    compareText(a.codePath, b.codePath) ||
    compareText(a.coding.id, b.coding.id)
  );
}

function headerHtml(project: ExchangeProject, source: ExchangeSource, layerLabels: string[], exportedAt: Date): string {
  const attributes = Object.entries(source.attributes).sort(([a], [b]) => compareText(a, b));
  const attributeList =
    attributes.length === 0
      ? ''
      : `<dl class="attributes">${attributes.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('')}</dl>`;
  const layersText = layerLabels.length === 0 ? 'none (no codings shown)' : layerLabels.map(escapeHtml).join(', ');
  return [
    '<header class="page-header">',
    `<p class="project">${escapeHtml(project.name)}</p>`,
    `<h1>${escapeHtml(source.title)}</h1>`,
    attributeList,
    `<p class="layers">Layers shown: ${layersText}</p>`,
    `<p class="exported">Exported <time datetime="${exportedAt.toISOString()}">${exportedAt.toISOString().slice(0, 10)}</time></p>`,
    '</header>',
  ]
    .filter((line) => line !== '')
    .join('\n');
}

function turnsHtml(source: ExchangeSource, codings: ResolvedCoding[]): string {
  const starts = turnStarts(source);
  // Each coding is listed in every turn it touches (for highlights) and once where it starts (for the margin).
  const touching = source.turns.map((): ResolvedCoding[] => []);
  const startingHere = source.turns.map((): ResolvedCoding[] => []);
  for (const resolved of codings) {
    const first = turnIndexAt(starts, resolved.coding.start);
    const last = turnIndexAt(starts, resolved.coding.end - 1);
    startingHere[first].push(resolved);
    for (let t = first; t <= last; t++) touching[t].push(resolved);
  }
  return source.turns
    .map((turn, t) => {
      const timestamp = turn.timestamp === null ? '' : ` <span class="timestamp">${escapeHtml(turn.timestamp)}</span>`;
      return [
        `<section class="turn" data-turn="${t}">`,
        '<div class="turn-text">',
        `<p class="turn-meta"><span class="speaker">${escapeHtml(turn.speaker)}</span>${timestamp}</p>`,
        `<p class="words">${highlightedText(turn.text, starts[t], touching[t])}</p>`,
        '</div>',
        marginHtml(startingHere[t]),
        '</section>',
      ].join('\n');
    })
    .join('\n');
}

/**
 * The turn's words cut into segments wherever the set of codings covering them changes; each
 * segment is wrapped in one mark per covering coding, outermost first.
 */
function highlightedText(text: string, turnStart: number, codings: ResolvedCoding[]): string {
  const turnEnd = turnStart + text.length;
  const cuts = new Set([turnStart, turnEnd]);
  for (const { coding } of codings) {
    cuts.add(Math.max(coding.start, turnStart));
    cuts.add(Math.min(coding.end, turnEnd));
  }
  const points = [...cuts].sort((a, b) => a - b);
  let html = '';
  for (let k = 0; k + 1 < points.length; k++) {
    const [from, to] = [points[k], points[k + 1]];
    const covering = codings.filter(({ coding }) => coding.start <= from && coding.end >= to);
    const words = escapeHtml(text.slice(from - turnStart, to - turnStart));
    html += covering.reduceRight((inner, resolved, depth) => `${markOpen(resolved, depth)}${inner}</mark>`, words);
  }
  return html;
}

function markOpen({ coding, code, codePath, layerLabel }: ResolvedCoding, depth: number): string {
  const color = `${code.color}${highlightAlpha}`;
  return (
    `<mark data-color="${color}" style="background-color: ${color}; color: inherit"` +
    ` class="coding" data-depth="${Math.min(depth, paddedDepths)}" data-coding="${escapeHtml(coding.id)}"` +
    ` title="${escapeHtml(`${codePath} — ${layerLabel}`)}">`
  );
}

function marginHtml(codings: ResolvedCoding[]): string {
  if (codings.length === 0) return '<aside class="margin"></aside>';
  const labels = codings.map(({ coding, code, codePath, layerLabel, text }) => {
    const memo = coding.memo === '' ? '' : `<p class="memo">${escapeHtml(coding.memo)}</p>`;
    return (
      `<li class="margin-label" data-coding="${escapeHtml(coding.id)}" style="border-left-color: ${code.color}">` +
      `<span class="code-name" title="${escapeHtml(codePath)}">${escapeHtml(code.name)}</span>` +
      ` <span class="coder">${escapeHtml(layerLabel)}</span>` +
      `<q class="passage">${escapeHtml(text)}</q>${memo}</li>`
    );
  });
  return `<aside class="margin"><ul>${labels.join('')}</ul></aside>`;
}

function legendHtml(index: ProjectIndex, codings: ResolvedCoding[]): string {
  const counts = new Map<string, number>();
  for (const { code } of codings) counts.set(code.id, (counts.get(code.id) ?? 0) + 1);
  const rows = codesInTreeOrder(index.project.codes)
    .filter((code) => counts.has(code.id))
    .map(
      (code) =>
        `<tr data-code="${escapeHtml(code.id)}"><td><span class="swatch" style="background-color: ${code.color}"></span></td>` +
        `<td class="code-path">${escapeHtml(index.codePath(code.id))}</td><td class="count">${counts.get(code.id)}</td></tr>`,
    );
  const body = rows.length === 0 ? '<tr><td colspan="3">No codings shown.</td></tr>' : rows.join('\n');
  return [
    '<section class="legend">',
    '<h2>Codes</h2>',
    '<table>',
    '<thead><tr><th>Colour</th><th>Code</th><th>Codings</th></tr></thead>',
    `<tbody>\n${body}\n</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

// Outer marks pad further above and below the line than the marks nested in them, so each
// overlapping coding shows as its own band of colour around the words.
const pageCss = `
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; background: #fff; margin: 2rem auto; max-width: 60rem; padding: 0 1.5rem; }
.page-header { border-bottom: 1px solid #ccc; margin-bottom: 1.5rem; padding-bottom: 1rem; }
.page-header .project { color: #555; margin: 0; }
.page-header h1 { font-size: 1.6rem; margin: 0.2rem 0 0.6rem; }
.attributes { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; margin: 0 0 0.6rem; }
.attributes dt { color: #555; }
.attributes dd { margin: 0; }
.layers, .exported { margin: 0.2rem 0; color: #333; }
.turn { display: grid; grid-template-columns: minmax(0, 1fr) 15rem; gap: 1.5rem; padding: 0.6rem 0; border-bottom: 1px solid #eee; }
.turn-meta { margin: 0 0 0.2rem; font-size: 0.85rem; color: #555; }
.speaker { font-weight: 600; color: #1a1a1a; }
.timestamp { font-variant-numeric: tabular-nums; margin-left: 0.4rem; }
.words { margin: 0; line-height: 2.4; white-space: pre-wrap; overflow-wrap: anywhere; }
mark.coding { border-radius: 2px; padding: 0; }
mark.coding[data-depth="0"] { padding: 0.4em 0; }
mark.coding[data-depth="1"] { padding: 0.3em 0; }
mark.coding[data-depth="2"] { padding: 0.2em 0; }
mark.coding[data-depth="3"] { padding: 0.1em 0; }
.margin ul { list-style: none; margin: 0; padding: 0; }
.margin-label { border-left: 4px solid #888; padding: 0.1rem 0 0.1rem 0.5rem; margin-bottom: 0.5rem; font-size: 0.85rem; overflow-wrap: anywhere; }
.code-name { font-weight: 600; }
.coder { color: #555; }
.passage { display: block; color: #444; font-style: italic; }
.memo { margin: 0.2rem 0 0; white-space: pre-wrap; }
.legend { margin-top: 2rem; }
.legend table { border-collapse: collapse; }
.legend th, .legend td { text-align: left; padding: 0.2rem 0.8rem 0.2rem 0; border-bottom: 1px solid #eee; }
.legend .count { text-align: right; font-variant-numeric: tabular-nums; }
.swatch { display: inline-block; width: 1.2em; height: 1.2em; border-radius: 2px; vertical-align: middle; }
mark, .swatch, .margin-label { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@page { margin: 16mm 14mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  .turn { grid-template-columns: minmax(0, 1fr) 5.5cm; break-inside: avoid; }
  .legend { break-before: auto; break-inside: avoid; }
}
`;
