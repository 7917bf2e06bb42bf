/**
 * Renders codings as inline decorations (see the anchoring notes): remote Yjs changes and coding
 * changes re-resolve every coding from its relative positions; local edits map the decorations
 * and then re-resolve once the sync plugin has written the edit to Yjs.
 *
 * Overlapping codings are pre-split into segments, one decoration per segment, because
 * ProseMirror merges overlapping inline decorations into one span and keeps only the last
 * non-class attribute. Each segment carries one class per coding and a computed style that
 * stacks one underline per coding under a tint of the first code's colour.
 */
import { Extension } from '@tiptap/core';
import { isChangeOrigin } from '@tiptap/extension-collaboration';
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
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
  codings(): DecoratedCoding[];
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

function segmentStyle(codings: DecoratedCoding[]): string {
  const lines = codings.slice(0, maxUnderlines);
  const images = lines.map((c) => `linear-gradient(${c.color}, ${c.color})`).join(', ');
  const positions = lines.map((_, i) => `0 calc(100% - ${i * 3}px)`).join(', ');
  const sizes = lines.map(() => '100% 2px').join(', ');
  return [
    `background-color: color-mix(in srgb, ${codings[0].color} 16%, transparent)`,
    `background-image: ${images}`,
    `background-position: ${positions}`,
    `background-size: ${sizes}`,
    'background-repeat: no-repeat',
    `padding-bottom: ${(lines.length - 1) * 3}px`,
  ].join('; ');
}

function buildDecorations(source: DecorationSource, doc: ProseMirrorNode): DecorationSet {
  const codings = source.codings();
  if (codings.length === 0) return DecorationSet.empty;
  const maxPosition = doc.content.size;
  const boundaries = new Set<number>();
  for (const coding of codings) {
    boundaries.add(coding.start);
    boundaries.add(coding.end);
  }
  const points = [...boundaries].sort((a, b) => a - b);
  const decorations: Decoration[] = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const from = points[i];
    const to = points[i + 1];
    const active = codings.filter((coding) => coding.start <= from && coding.end >= to);
    if (active.length === 0) continue;
    const pmFrom = Math.min(source.index.pmFromOffset(from), maxPosition);
    const pmTo = Math.min(source.index.pmFromOffset(to), maxPosition);
    if (pmTo <= pmFrom) continue;
    decorations.push(
      Decoration.inline(
        pmFrom,
        pmTo,
        {
          class: ['coding', ...active.map((coding) => codingClass(coding.id))].join(' '),
          style: segmentStyle(active),
          title: active.map((coding) => coding.label).join('\n'),
        },
        { inclusiveStart: false, inclusiveEnd: false },
      ),
    );
  }
  return DecorationSet.create(doc, decorations);
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
    return [
      new Plugin<DecorationSet>({
        key: codingDecorationsKey,
        state: {
          init: (_, state) => buildDecorations(source, state.doc),
          apply: (tr, decorations) => {
            // Remote changes replace the whole document, so mapping would drop every decoration:
            // the Yjs state is already current here, so resolve again.
            if (tr.getMeta(codingDecorationsKey) === rebuildMeta || isChangeOrigin(tr)) return buildDecorations(source, tr.doc);
            if (!tr.docChanged) return decorations;
            // Local edit: Yjs is written only in the sync plugin's view update, after this apply.
            rebuildAfterLocalEdit = true;
            return decorations.map(tr.mapping, tr.doc);
          },
        },
        props: {
          decorations: (state) => codingDecorationsKey.getState(state),
        },
        view: () => ({
          update: (view) => {
            if (!rebuildAfterLocalEdit) return;
            rebuildAfterLocalEdit = false;
            rebuildCodingDecorations(view);
          },
        }),
      }),
    ];
  },
});
