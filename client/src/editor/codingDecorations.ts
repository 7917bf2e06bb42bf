/**
 * Renders codings as inline decorations (see the anchoring notes): remote Yjs changes re-resolve
 * every coding from its relative positions; coding changes redraw only the turns they touch;
 * local edits map the decorations and then re-resolve once the sync plugin has written the edit
 * to Yjs.
 *
 * Overlapping codings are pre-split into segments, one decoration per segment, because
 * ProseMirror merges overlapping inline decorations into one span and keeps only the last
 * non-class attribute. Each segment carries one class per coding and one for its look, which
 * stacks one underline per coding under a tint of the first code's colour.
 */
import { Extension } from '@tiptap/core';
import { isChangeOrigin } from '@tiptap/extension-collaboration';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import { unknownCodeColour } from '../../../shared/collab/palette';
import type { TranscriptIndex } from '../../../shared/collab/transcriptIndex';

export interface DecoratedCoding {
  id: string;
  start: number;
  end: number;
  color: string;
  /** Shown as the segment's tooltip: "Code — coder". */
  label: string;
}

export interface DecorationSource {
  index: TranscriptIndex;
  codings(): readonly DecoratedCoding[];
}

/** The codings the view wants drawn: set with {@link show} before asking the plugin to rebuild. */
export class ShownCodings implements DecorationSource {
  private current: readonly DecoratedCoding[] = [];

  constructor(readonly index: TranscriptIndex) {}

  codings(): readonly DecoratedCoding[] {
    return this.current;
  }

  show(codings: readonly DecoratedCoding[]): void {
    this.current = codings;
  }
}

export const codingDecorationsKey = new PluginKey<DecorationSet>('cocodeCodingDecorations');
const rebuildMeta = 'rebuild';
/** Underlines beyond this many would push into the next line; the margin still lists them all. */
const maxUnderlines = 4;

/** Asks the plugin to re-resolve every coding (after codings, codes or visible layers changed). */
export function rebuildCodingDecorations(view: EditorView) {
  view.dispatch(view.state.tr.setMeta(codingDecorationsKey, rebuildMeta).setMeta('addToHistory', false));
}

export function codingClass(codingId: string): string {
  return `coding-${codingId}`;
}

/**
 * Segment looks as classes of a style sheet of the editor's own: one rule per underline count
 * draws the tint and the stacked underlines from custom properties, and one rule per colour and
 * underline slot sets a property. An inline style per segment (thousands of them) made the
 * browser parse the same declarations for every span; this sheet stays at a few dozen rules.
 */
class SegmentLooks {
  readonly sheet = new CSSStyleSheet();
  private readonly colourIndex = new Map<string, number>();
  private readonly slotRules = new Set<string>();

  constructor() {
    for (let count = 1; count <= maxUnderlines; count += 1) {
      const slots = Array.from({ length: count }, (_, slot) => `var(--coding-underline-${slot})`);
      const declarations = [
        `background-color: color-mix(in srgb, ${slots[0]} 16%, transparent)`,
        `background-image: ${slots.map((colour) => `linear-gradient(${colour}, ${colour})`).join(', ')}`,
        `background-position: ${slots.map((_, slot) => `0 calc(100% - ${slot * 3}px)`).join(', ')}`,
        `background-size: ${slots.map(() => '100% 2px').join(', ')}`,
        'background-repeat: no-repeat',
        `padding-bottom: ${(count - 1) * 3}px`,
      ];
      this.sheet.insertRule(`.segment-underlines-${count} { ${declarations.join('; ')} }`, this.sheet.cssRules.length);
    }
  }

  classesFor(codings: readonly DecoratedCoding[]): string[] {
    const lines = codings.slice(0, maxUnderlines);
    return [`segment-underlines-${lines.length}`, ...lines.map((coding, slot) => this.slotClass(slot, coding.color))];
  }

  private slotClass(slot: number, colour: string): string {
    let index = this.colourIndex.get(colour);
    if (index === undefined) {
      index = this.colourIndex.size;
      this.colourIndex.set(colour, index);
    }
    const name = `segment-underline-${slot}-${index}`;
    if (!this.slotRules.has(name)) {
      this.slotRules.add(name);
      // Colours come from the shared codebook: only a valid colour may go into a style rule.
      const safe = CSS.supports('color', colour) ? colour : unknownCodeColour;
      this.sheet.insertRule(`.${name} { --coding-underline-${slot}: ${safe} }`, this.sheet.cssRules.length);
    }
    return name;
  }
}

/** A stretch of text covered by the same codings, in canonical offsets. */
export interface CodingSegment {
  from: number;
  to: number;
  /** The codings covering it, in the order they start. */
  codings: DecoratedCoding[];
}

/**
 * The segments of the codings inside the offsets [from, to]. Segments are split where the set of
 * covering codings changes and at turn boundaries, so every segment lies within one turn (turn
 * breaks are never covered) and a change can be redrawn turn by turn.
 */
export function codingSegments(codings: readonly DecoratedCoding[], index: TranscriptIndex, from: number, to: number): CodingSegment[] {
  const startingAt = new Map<number, DecoratedCoding[]>();
  const boundaries = new Set<number>();
  for (const coding of codings) {
    if (coding.start >= to || coding.end <= from) continue;
    const start = Math.max(coding.start, from);
    boundaries.add(start);
    boundaries.add(Math.min(coding.end, to));
    const starting = startingAt.get(start);
    if (starting) starting.push(coding);
    else startingAt.set(start, [coding]);
  }
  if (boundaries.size === 0) return [];
  let points = [...boundaries].sort((a, b) => a - b);
  const first = points[0];
  const last = points[points.length - 1];
  for (let turn = index.turnAt(first); turn <= index.turnAt(last); turn += 1) {
    const turnStart = index.turnStart(turn);
    const turnEnd = turnStart + index.turnLength(turn);
    if (turnStart > first && turnStart < last) boundaries.add(turnStart);
    if (turnEnd > first && turnEnd < last) boundaries.add(turnEnd);
  }
  points = [...boundaries].sort((a, b) => a - b);
  const segments: CodingSegment[] = [];
  // One sweep over the boundaries, keeping the codings that cover the current segment: linear in
  // the number of segments times the overlap depth.
  let active: DecoratedCoding[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const segmentFrom = points[i];
    const segmentTo = points[i + 1];
    if (active.some((coding) => coding.end <= segmentFrom)) active = active.filter((coding) => coding.end > segmentFrom);
    const starting = startingAt.get(segmentFrom);
    if (starting) active = [...active, ...starting];
    if (active.length === 0) continue;
    const turn = index.turnAt(segmentFrom);
    // The turn break between two turns has no text to decorate.
    if (segmentTo > index.turnStart(turn) + index.turnLength(turn)) continue;
    segments.push({ from: segmentFrom, to: segmentTo, codings: active });
  }
  return segments;
}

/** One inline decoration per segment, at editor positions (clamped to the document's size). */
function segmentDecorations(
  codings: readonly DecoratedCoding[],
  index: TranscriptIndex,
  looks: SegmentLooks,
  from: number,
  to: number,
  maxPosition: number,
): Decoration[] {
  const decorations: Decoration[] = [];
  for (const segment of codingSegments(codings, index, from, to)) {
    const pmFrom = Math.min(index.pmFromOffset(segment.from), maxPosition);
    const pmTo = Math.min(index.pmFromOffset(segment.to), maxPosition);
    if (pmTo <= pmFrom) continue;
    decorations.push(
      Decoration.inline(
        pmFrom,
        pmTo,
        {
          class: ['coding', ...looks.classesFor(segment.codings), ...segment.codings.map((coding) => codingClass(coding.id))].join(' '),
          title: segment.codings.map((coding) => coding.label).join('\n'),
        },
        { inclusiveStart: false, inclusiveEnd: false },
      ),
    );
  }
  return decorations;
}

const sameCoding = (a: DecoratedCoding, b: DecoratedCoding) => a.start === b.start && a.end === b.end && a.color === b.color && a.label === b.label;

/** Beyond this many changed codings (a layer toggled, a filter picked) one full build is cheaper. */
const incrementalLimit = 64;

/**
 * Builds the decoration set, and keeps it up to date when only codings change: then only the
 * turns under the changed codings are redrawn, where a full `DecorationSet.create` over 3,000
 * codings costs tens of milliseconds on every coding someone applies.
 */
class CodingDecorationBuilder {
  /** The codings the current set shows, while the set matches the document exactly. */
  private shown: Map<string, DecoratedCoding> | null = null;

  constructor(
    private readonly source: DecorationSource,
    readonly looks: SegmentLooks,
  ) {}

  full(doc: ProseMirrorNode): DecorationSet {
    const codings = this.source.codings();
    this.shown = new Map(codings.map((coding) => [coding.id, coding]));
    const decorations = segmentDecorations(codings, this.source.index, this.looks, 0, this.source.index.length, doc.content.size);
    return decorations.length === 0 ? DecorationSet.empty : DecorationSet.create(doc, decorations);
  }

  /** After a local edit the set was mapped, not rebuilt: the next change rebuilds it all. */
  invalidate(): void {
    this.shown = null;
  }

  update(current: DecorationSet, doc: ProseMirrorNode): DecorationSet {
    const shown = this.shown;
    if (!shown) return this.full(doc);
    const codings = this.source.codings();
    const next = new Map(codings.map((coding) => [coding.id, coding]));
    const changed: DecoratedCoding[] = [];
    for (const coding of codings) {
      const before = shown.get(coding.id);
      if (!before) changed.push(coding);
      else if (!sameCoding(before, coding)) changed.push(before, coding);
    }
    for (const [id, before] of shown) if (!next.has(id)) changed.push(before);
    if (changed.length > incrementalLimit) return this.full(doc);
    this.shown = next;
    const index = this.source.index;
    const turns = new Set<number>();
    for (const coding of changed) for (let turn = index.turnAt(coding.start); turn <= index.turnAt(coding.end); turn += 1) turns.add(turn);
    const maxPosition = doc.content.size;
    let decorations = current;
    for (const turn of turns) {
      const turnStart = index.turnStart(turn);
      const turnEnd = turnStart + index.turnLength(turn);
      if (turnEnd === turnStart) continue;
      const pmFrom = Math.min(index.pmFromOffset(turnStart), maxPosition);
      const pmTo = Math.min(index.pmFromOffset(turnEnd), maxPosition);
      decorations = decorations.remove(decorations.find(pmFrom, pmTo)).add(doc, segmentDecorations(codings, index, this.looks, turnStart, turnEnd, maxPosition));
    }
    return decorations;
  }
}

export const CodingDecorations = Extension.create<{ source: DecorationSource | null }>({
  name: 'codingDecorations',

  addOptions() {
    return { source: null };
  },

  addProseMirrorPlugins() {
    const source = this.options.source;
    if (!source) return [];
    let rebuildAfterLocalEdit = false;
    const builder = new CodingDecorationBuilder(source, new SegmentLooks());
    return [
      new Plugin<DecorationSet>({
        key: codingDecorationsKey,
        state: {
          init: (_, state) => builder.full(state.doc),
          apply: (tr, decorations) => {
            // Remote changes replace the whole document, so mapping would drop every decoration:
            // the Yjs state is already current here, so resolve again.
            if (isChangeOrigin(tr)) return builder.full(tr.doc);
            // Codings changed, the text did not: redraw the turns under the changed codings.
            if (tr.getMeta(codingDecorationsKey) === rebuildMeta) return builder.update(decorations, tr.doc);
            if (!tr.docChanged) return decorations;
            // Local edit: Yjs is written only in the sync plugin's view update, after this apply.
            rebuildAfterLocalEdit = true;
            builder.invalidate();
            return decorations.map(tr.mapping, tr.doc);
          },
        },
        props: {
          decorations: (state) => codingDecorationsKey.getState(state),
        },
        view: (view) => {
          const page = view.dom.ownerDocument;
          page.adoptedStyleSheets = [...page.adoptedStyleSheets, builder.looks.sheet];
          return {
            update: () => {
              if (!rebuildAfterLocalEdit) return;
              rebuildAfterLocalEdit = false;
              rebuildCodingDecorations(view);
            },
            destroy: () => {
              page.adoptedStyleSheets = page.adoptedStyleSheets.filter((sheet) => sheet !== builder.looks.sheet);
            },
          };
        },
      }),
    ];
  },
});
