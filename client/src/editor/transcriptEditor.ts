/**
 * The transcript as a Tiptap editor bound to its Yjs document: speaker turns as paragraphs, no
 * formatting and no text undo (coding actions have their own), codings drawn by
 * {@link CodingDecorations}, and carets of other editors only where the text may be edited.
 */
import type { HocuspocusProvider } from '@hocuspocus/provider';
import { Extension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { type Editor, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useEffect } from 'react';
import type * as Y from 'yjs';
import { turnAttributes, turnNodeName, ydocKeys } from '../../../shared/collab/schema';
import { CodingDecorations, type DecorationSource } from './codingDecorations';

/** Paragraphs are speaker turns: keep their speaker and timestamp, or the Yjs binding drops them. */
const TurnAttributes = Extension.create({
  name: 'turnAttributes',
  addGlobalAttributes() {
    const attribute = (name: string) => ({
      default: null,
      parseHTML: (element: HTMLElement) => element.getAttribute(`data-${name}`),
      renderHTML: (attributes: Record<string, unknown>) => (attributes[name] ? { [`data-${name}`]: String(attributes[name]) } : {}),
    });
    return [
      {
        types: [turnNodeName],
        attributes: { [turnAttributes.speaker]: attribute(turnAttributes.speaker), [turnAttributes.timestamp]: attribute(turnAttributes.timestamp) },
      },
    ];
  },
});

/** Everything in StarterKit that a transcript has no use for. */
const unusedStarterKitParts = {
  undoRedo: false,
  blockquote: false,
  bulletList: false,
  code: false,
  codeBlock: false,
  dropcursor: false,
  gapcursor: false,
  hardBreak: false,
  heading: false,
  horizontalRule: false,
  link: false,
  listItem: false,
  listKeymap: false,
  orderedList: false,
  strike: false,
  trailingNode: false,
  underline: false,
} as const;

export interface TranscriptEditorOptions {
  doc: Y.Doc;
  provider: HocuspocusProvider;
  decorations: DecorationSource;
  /** Shown to others as a caret while editing the text; null where this person may not edit it. */
  caretUser: { id: string; name: string; color: string } | null;
  /** Whether the text may be edited now (the server opens it read-only for everyone but owners). */
  editable: boolean;
  title: string;
  /** The id of the element that explains how to code, for screen readers. */
  describedBy: string;
}

export function useTranscriptEditor({ doc, provider, decorations, caretUser, editable, title, describedBy }: TranscriptEditorOptions): Editor | null {
  const editor = useEditor(
    {
      editable: false,
      extensions: [
        StarterKit.configure(unusedStarterKitParts),
        TurnAttributes,
        Collaboration.configure({ document: doc, field: ydocKeys.transcriptFragment }),
        ...(caretUser ? [CollaborationCaret.configure({ provider, user: caretUser })] : []),
        CodingDecorations.configure({ source: decorations }),
      ],
      editorProps: {
        attributes: {
          class: 'transcript-text',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': `Transcript: ${title}`,
          'aria-describedby': describedBy,
          tabindex: '0',
        },
      },
    },
    // The caret person is fixed for a session: whether there is one is what rebuilds the editor.
    [doc, provider, decorations, caretUser === null],
  );

  // The server opens the transcript read-only for everyone but owners: the editor must agree.
  useEffect(() => {
    if (editor && !editor.isDestroyed && editor.isEditable !== editable) editor.setEditable(editable);
  }, [editor, editable]);

  return editor;
}
