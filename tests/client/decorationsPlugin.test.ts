// @vitest-environment jsdom
/**
 * The decorations plugin in a real editor bound to a Yjs transcript: a full build, then
 * incremental rebuilds that redraw only the turns under changed codings, must always leave the
 * same decorations a full build of the current codings would.
 */
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import StarterKit from '@tiptap/starter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { CodingDecorations, codingDecorationsKey, type DecoratedCoding, rebuildCodingDecorations, ShownCodings } from '../../client/src/editor/codingDecorations';
import { ydocKeys } from '../../shared/collab/schema';
import { transcriptOf } from './fixtures';

// jsdom has constructable style sheets but neither adopts them nor answers CSS.supports; the
// plugin needs both (its segment looks are one adopted sheet), so the page gets the browser's defaults.
Object.defineProperty(document, 'adoptedStyleSheets', { value: [], writable: true });
const css = (globalThis as { CSS?: { supports?: unknown } }).CSS;
if (typeof css?.supports !== 'function') Object.assign(globalThis, { CSS: { ...css, supports: () => true } });

const editors: Editor[] = [];
afterEach(() => {
  for (const editor of editors.splice(0)) editor.destroy();
});

function editorOn(turns: string[]) {
  const { doc, index } = transcriptOf(turns);
  const shown = new ShownCodings(index);
  const editor = new Editor({
    element: document.createElement('div'),
    editable: false,
    extensions: [
      StarterKit.configure({ undoRedo: false }),
      Collaboration.configure({ document: doc, field: ydocKeys.transcriptFragment }),
      CodingDecorations.configure({ source: shown }),
    ],
  });
  editors.push(editor);
  index.rebuild();
  /** The drawn decorations as [text, classes naming codings]. */
  const drawn = () =>
    (codingDecorationsKey.getState(editor.state)?.find() ?? [])
      .sort((a, b) => a.from - b.from)
      .map((decoration) => {
        const classes = String((decoration as unknown as { type: { attrs: { class: string } } }).type.attrs.class).split(' ');
        return [editor.state.doc.textBetween(decoration.from, decoration.to), classes.filter((name) => name.startsWith('coding-')).join(' ')];
      });
  const show = (codings: DecoratedCoding[]) => {
    shown.show(codings);
    rebuildCodingDecorations(editor.view);
  };
  return { editor, index, drawn, show };
}

const coding = (id: string, start: number, end: number, color = '#e6194b'): DecoratedCoding => ({ id, start, end, color, label: id });

describe('the decorations plugin', () => {
  it('draws overlapping codings as segments carrying one class per coding', () => {
    const { drawn, show } = editorOn(['the board meets', 'every month']);
    show([coding('a', 0, 9), coding('b', 4, 15)]);
    expect(drawn()).toEqual([
      ['the ', 'coding-a'],
      ['board', 'coding-a coding-b'],
      [' meets', 'coding-b'],
    ]);
  });

  it('redraws only what changed and still matches a full build', () => {
    const turns = ['the board meets', 'every month', 'in the hall'];
    const { drawn, show } = editorOn(turns);
    show([coding('a', 0, 3), coding('b', 16, 21), coding('c', 28, 32)]);
    // Move b, recolour c, add d across a turn break, remove a: few changes, so the incremental path.
    const next = [coding('b', 16, 27), coding('c', 28, 32, '#3cb44b'), coding('d', 10, 21)];
    show(next);
    expect(drawn()).toEqual([
      ['meets', 'coding-d'],
      ['every', 'coding-b coding-d'],
      [' month', 'coding-b'],
      ['in t', 'coding-c'],
    ]);
    const fresh = editorOn(turns);
    fresh.show(next);
    expect(drawn()).toEqual(fresh.drawn());
    show([]);
    expect(drawn()).toEqual([]);
  });
});
