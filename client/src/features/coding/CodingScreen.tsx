/**
 * The coding view: the transcript in a collaborative editor, codings as decorations and margin
 * stripes, a code picker at the selection, layers, presence and the connection state.
 */
import { Extension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { TextSelection } from '@tiptap/pm/state';
import { EditorContent, useEditor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DocumentSummary, Member, Project } from '../../../../shared/api/responses';
import { decide } from '../../../../shared/authz';
import { type Code, turnAttributes, turnNodeName, ydocKeys } from '../../../../shared/collab/schema';
import { api } from '../../api';
import {
  type BoundaryRefusal,
  CodingModel,
  consensusLayerId,
  type LayerSpec,
  type Resolution,
  type ResolvedCoding,
  type UnanchoredCoding,
} from '../../collab/codingModel';
import { CodingDecorations, codingClass, type DecorationSource, rebuildCodingDecorations } from '../../editor/codingDecorations';
import { useAsync } from '../../hooks';
import { Link, paths } from '../../router';
import { initials, personColour, useSession } from '../../session';
import { Presence } from '../../ui/Presence';
import { Avatar, LoadError } from '../../ui/parts';
import { codeTree, recentCodeIds, rememberRecentCode } from '../codebook/codebook';
import { BoundaryAdjuster } from './BoundaryAdjuster';
import { CodePicker } from './CodePicker';
import { CodingDetail } from './CodingDetail';
import { MarginStripes, type StripeCoding } from './MarginStripes';

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

export function CodingScreen({ projectId, documentId }: { projectId: string; documentId: string }) {
  const data = useAsync(async () => {
    const [project, document, members] = await Promise.all([api.project(projectId), api.document(projectId, documentId), api.members(projectId)]);
    return { project, document, members: members.members };
  }, [projectId, documentId]);
  if (data.error) return <LoadError message={data.error.message} />;
  if (!data.data) return <main className="page muted">Opening transcript…</main>;
  return <CodingSession project={data.data.project} document={data.data.document} members={data.data.members} />;
}

function layerSpecs(project: Project, members: Member[], meId: string): LayerSpec[] {
  const may = (resource: 'own-layer' | 'other-layer' | 'consensus', operation: 'read' | 'write' = 'read') =>
    decide({ role: project.role, resource, operation, blind: project.blind }).allowed;
  const specs: LayerSpec[] = [];
  if (project.role !== 'viewer') specs.push({ id: meId, kind: 'mine', label: 'My codings', writable: may('own-layer', 'write') });
  if (may('other-layer'))
    for (const member of members)
      if (member.userId !== meId && member.role !== 'viewer') specs.push({ id: member.userId, kind: 'coder', label: member.name, writable: false });
  if (may('consensus')) specs.push({ id: consensusLayerId, kind: 'consensus', label: 'Consensus', writable: may('consensus', 'write') });
  return specs;
}

function CodingSession({ project, document, members }: { project: Project; document: DocumentSummary; members: Member[] }) {
  const { user } = useSession();
  const [model, setModel] = useState<CodingModel | null>(null);
  useEffect(() => {
    const created = new CodingModel(
      project.id,
      document.id,
      { id: user.id, name: user.name, color: personColour(user.id), role: project.role },
      layerSpecs(project, members, user.id),
    );
    setModel(created);
    return () => created.close();
  }, [project, document.id, members, user]);
  if (!model) return null;
  return <CodingWorkspace model={model} project={project} document={document} members={members} />;
}

const nothingResolved: Resolution = { resolved: [], unanchored: [] };

interface PickerState {
  start: number;
  end: number;
  quote: string;
  position: { left: number; top: number };
}

interface DetailState {
  codingId: string;
  layerId: string;
  position: { left: number; top: number };
}

/** A coding whose boundaries are being adjusted, and the passage selected for them so far. */
interface AdjustState {
  codingId: string;
  layerId: string;
  codeId: string;
  currentQuote: string;
  orphaned: boolean;
  /** Untrimmed canonical offsets of the last selection made in the transcript. */
  selection: { start: number; end: number } | null;
  error: string | null;
}

const boundaryRefusals: Record<BoundaryRefusal, string> = {
  missing: 'This coding no longer exists: someone removed it meanwhile.',
  blank: 'Those words cannot hold a coding: only turn breaks or spaces are selected.',
  'splits-character': 'The selection splits a character (an emoji, say) in two: move its start or end by one character.',
  unchanged: 'The coding already covers exactly these words: select a different passage.',
};

function CodingWorkspace({ model, project, document, members }: { model: CodingModel; project: Project; document: DocumentSummary; members: Member[] }) {
  const { user } = useSession();
  const generation = useSyncExternalStore(
    (listener) => model.subscribe(listener),
    () => model.generation,
  );
  const transcriptState = model.transcript.state();
  const [visible, setVisible] = useState<Set<string>>(() => new Set(model.layers.map((layer) => layer.id)));
  const [writeLayerId, setWriteLayerId] = useState<string>(user.id);
  const [picker, setPicker] = useState<PickerState | null>(null);
  const [detail, setDetail] = useState<DetailState | null>(null);
  const [adjusting, setAdjusting] = useState<AdjustState | null>(null);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [codeFilter, setCodeFilter] = useState<ReadonlySet<string>>(() => new Set());
  const [historyMessage, setHistoryMessage] = useState<string | null>(null);
  const history = useSyncExternalStore(
    (listener) => model.history.subscribe(listener),
    () => model.history.state(),
  );

  const can = (resource: 'transcript' | 'codebook' | 'own-layer' | 'consensus') =>
    decide({ role: project.role, resource, operation: 'write', blind: project.blind }).allowed;
  const canCode = can('own-layer') && transcriptState.synced && !transcriptState.refused;
  const canEditText = can('transcript') && transcriptState.synced && !transcriptState.readOnly;
  const writableLayers = new Set([...(can('own-layer') ? [user.id] : []), ...(can('consensus') ? [consensusLayerId] : [])]);
  const memberName = (id: string) => (id === consensusLayerId ? 'Consensus' : id === user.id ? 'you' : (members.find((m) => m.userId === id)?.name ?? 'a former member'));
  const codes = model.codes();
  const codeById = useMemo(() => new Map(codes.map((code) => [code.id, code])), [codes]);

  // No coding is drawn until every layer has arrived: then all are drawn in one pass.
  const initialSyncSettled = model.initialSyncSettled;
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation marks every coding, code and connection change
  const { resolved: allResolved, unanchored } = useMemo(
    () => (initialSyncSettled ? model.resolve(visible) : nothingResolved),
    [model, visible, generation, initialSyncSettled],
  );
  // A code picked in the filter brings its sub-codes along: "Enabler" shows every kind of enabler.
  const filteredCodeIds = useMemo(() => {
    if (codeFilter.size === 0) return null;
    const included = new Set(codeFilter);
    for (const entry of codeTree(codes)) if (entry.code.parentId !== null && included.has(entry.code.parentId)) included.add(entry.code.id);
    return included;
  }, [codeFilter, codes]);
  const resolved = useMemo(
    () => (filteredCodeIds ? allResolved.filter((coding) => filteredCodeIds.has(coding.codeId)) : allResolved),
    [allResolved, filteredCodeIds],
  );
  const latest = useRef({ resolved, unanchored, codeById, memberName });
  latest.current = { resolved, unanchored, codeById, memberName };

  const source = useMemo<DecorationSource>(
    () => ({
      index: model.index,
      codings: () =>
        latest.current.resolved.map((coding) => {
          const code = latest.current.codeById.get(coding.codeId);
          return {
            id: coding.id,
            start: coding.start,
            end: coding.end,
            color: code?.color ?? '#888888',
            label: `${code?.name ?? 'Unknown code'} — ${latest.current.memberName(coding.layer.id)}`,
          };
        }),
    }),
    [model],
  );

  const isOwnerEditing = can('transcript');
  const editor = useEditor(
    {
      editable: false,
      extensions: [
        StarterKit.configure({
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
        }),
        TurnAttributes,
        Collaboration.configure({ document: model.transcript.doc, field: ydocKeys.transcriptFragment }),
        ...(isOwnerEditing
          ? [CollaborationCaret.configure({ provider: model.transcript.provider, user: { id: user.id, name: user.name, color: personColour(user.id) } })]
          : []),
        CodingDecorations.configure({ source }),
      ],
      editorProps: {
        attributes: {
          class: 'transcript-text',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': `Transcript: ${document.title}`,
          'aria-describedby': 'coding-help',
          tabindex: '0',
        },
      },
    },
    [model, source, isOwnerEditing],
  );

  // The server opens the transcript read-only for everyone but owners: the editor must agree.
  useEffect(() => {
    if (editor && !editor.isDestroyed && editor.isEditable !== canEditText) editor.setEditable(canEditText);
  }, [editor, canEditText]);

  // In the same task as the commit, before the browser lays the page out: a frame in between
  // would lay out the whole transcript once more without the new decorations.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-resolve whenever the resolved codings or codes change
  useLayoutEffect(() => {
    if (editor && !editor.isDestroyed) rebuildCodingDecorations(editor.view);
  }, [editor, resolved, codeById]);

  /** Canonical offsets of the browser selection (untrimmed); null unless it lies in the transcript and covers something. */
  const selectedOffsets = (): { start: number; end: number } | null => {
    if (!editor) return null;
    const selection = window.getSelection();
    const view = editor.view;
    if (!selection || selection.isCollapsed || !selection.anchorNode || !selection.focusNode) return null;
    if (!view.dom.contains(selection.anchorNode) || !view.dom.contains(selection.focusNode)) return null;
    const anchor = view.posAtDOM(selection.anchorNode, selection.anchorOffset);
    const head = view.posAtDOM(selection.focusNode, selection.focusOffset);
    const textSelection = TextSelection.between(view.state.doc.resolve(Math.min(anchor, head)), view.state.doc.resolve(Math.max(anchor, head)));
    const offset = (position: typeof textSelection.$from) => model.index.offsetFromPm(position.index(0), position.parentOffset);
    model.index.rebuild();
    return { start: offset(textSelection.$from), end: offset(textSelection.$to) };
  };

  const readSelection = (): PickerState | null => {
    const offsets = selectedOffsets();
    const range = offsets && model.trimRange(offsets.start, offsets.end);
    const selection = window.getSelection();
    if (!range || !selection) return null;
    const rect = selection.getRangeAt(0).getBoundingClientRect();
    const left = Math.max(12, Math.min(rect.left, window.innerWidth - 380));
    const top = rect.bottom + 8 + 380 > window.innerHeight ? Math.max(12, rect.top - 388) : rect.bottom + 8;
    return { ...range, quote: model.index.text.slice(range.start, range.end), position: { left, top } };
  };

  const openPicker = () => {
    if (!canCode) {
      if (!can('own-layer')) setNotice('Your role in this project is viewer: you can read codings but not add them.');
      return;
    }
    const state = readSelection();
    if (state) {
      setDetail(null);
      setPicker(state);
    }
  };
  const openPickerRef = useRef(openPicker);
  openPickerRef.current = openPicker;

  /** Selects canonical offsets in the transcript and focuses it, so Shift+arrows go on from there. */
  const selectInTranscript = (start: number, end: number) => {
    if (!editor || editor.isDestroyed) return;
    const view = editor.view;
    model.index.rebuild();
    const from = view.domAtPos(model.index.pmFromOffset(start));
    const to = view.domAtPos(model.index.pmFromOffset(end));
    view.dom.focus({ preventScroll: true });
    window.getSelection()?.setBaseAndExtent(from.node, from.offset, to.node, to.offset);
  };

  /** Leaves adjusting for the coding's margin label (the transcript when it has none), so keyboard users keep their place. */
  const returnFromAdjusting = (codingId: string) => {
    setAdjusting(null);
    requestAnimationFrame(() => {
      // An orphaned coding may leave nothing selected, and collapsing no range throws.
      const selection = window.getSelection();
      if (selection && selection.rangeCount > 0) selection.collapseToEnd();
      const label = window.document.querySelector<HTMLElement>(`.stripe-label[data-coding-id="${codingId}"]`);
      if (label) label.focus();
      else editor?.view.dom.focus({ preventScroll: true });
    });
  };

  const startAdjusting = (coding: { id: string; layer: { id: string }; codeId: string; quote: string }, current: { start: number; end: number } | null) => {
    setDetail(null);
    setPicker(null);
    setAdjusting({ codingId: coding.id, layerId: coding.layer.id, codeId: coding.codeId, currentQuote: coding.quote, orphaned: current === null, selection: current, error: null });
    // The coding's own words are the starting point; an orphaned coding has none left to select.
    requestAnimationFrame(() => {
      if (current) selectInTranscript(current.start, current.end);
      else editor?.view.dom.focus({ preventScroll: true });
    });
  };

  /** `selection` is read from the transcript on Enter; the Apply button uses the last one seen there, since focus left it. */
  const applyAdjusting = (selection: { start: number; end: number } | null) => {
    if (!adjusting) return;
    if (!selection) {
      setAdjusting({ ...adjusting, error: 'Nothing is selected: select the new passage in the transcript first.' });
      return;
    }
    const result = model.adjustCoding(adjusting.layerId, adjusting.codingId, selection.start, selection.end);
    if (!result.adjusted) {
      setAdjusting({ ...adjusting, selection, error: boundaryRefusals[result.refusal] });
      return;
    }
    const name = codeById.get(adjusting.codeId)?.name ?? 'the coding';
    setHistoryMessage(`Adjusted “${name}”: it now covers “${result.quote.length > 60 ? `${result.quote.slice(0, 60)}…` : result.quote}”.`);
    returnFromAdjusting(adjusting.codingId);
  };
  const adjustingKeys = {
    active: adjusting !== null,
    applySelection: () => applyAdjusting(selectedOffsets()),
    cancel: () => adjusting && returnFromAdjusting(adjusting.codingId),
  };
  const adjustingRef = useRef(adjustingKeys);
  adjustingRef.current = adjustingKeys;

  // While adjusting, follow the selection in the transcript so the popover shows the new passage;
  // selections elsewhere (the popover's own buttons) leave the last one standing.
  const adjustingCodingId = adjusting?.codingId;
  // biome-ignore lint/correctness/useExhaustiveDependencies: selectedOffsets reads the editor and model, fixed while adjusting
  useEffect(() => {
    if (!adjustingCodingId || !editor) return;
    const onSelectionChange = () => {
      const selection = window.getSelection();
      if (!selection?.anchorNode || !editor.view.dom.contains(selection.anchorNode)) return;
      const offsets = selectedOffsets();
      setAdjusting((current) => current && { ...current, selection: offsets, error: null });
    };
    window.document.addEventListener('selectionchange', onSelectionChange);
    return () => window.document.removeEventListener('selectionchange', onSelectionChange);
  }, [adjustingCodingId, editor]);

  // Keyboard selection also works where the transcript is read-only (no caret of its own):
  // Shift+arrows extend the browser selection, Enter (Ctrl+Enter when editing text) opens the picker.
  useEffect(() => {
    if (!editor) return;
    const dom = editor.view.dom;
    const onKeyDown = (event: KeyboardEvent) => {
      // While adjusting boundaries, plain Enter applies them even where the text is editable.
      if (adjustingRef.current.active && (event.key === 'Enter' || event.key === 'Escape') && !event.shiftKey && !event.altKey) {
        event.preventDefault();
        if (event.key === 'Enter') adjustingRef.current.applySelection();
        else adjustingRef.current.cancel();
        return;
      }
      const wantsPicker = event.key === 'Enter' && (editor.isEditable ? event.ctrlKey || event.metaKey : true);
      if (wantsPicker) {
        event.preventDefault();
        openPickerRef.current();
        return;
      }
      if (editor.isEditable || !event.key.startsWith('Arrow')) return;
      const selection = window.getSelection();
      if (!selection) return;
      event.preventDefault();
      if (!selection.anchorNode || !dom.contains(selection.anchorNode)) {
        const walker = window.document.createTreeWalker(dom, NodeFilter.SHOW_TEXT);
        const first = walker.nextNode();
        if (first) selection.collapse(first, 0);
        return;
      }
      const direction = event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? 'backward' : 'forward';
      const granularity = event.key === 'ArrowUp' || event.key === 'ArrowDown' ? 'line' : event.ctrlKey || event.altKey ? 'word' : 'character';
      selection.modify(event.shiftKey ? 'extend' : 'move', direction, granularity);
    };
    // A selection made to adjust a coding's boundaries is not a new coding.
    const onMouseUp = () => window.setTimeout(() => adjustingRef.current.active || openPickerRef.current(), 0);
    dom.addEventListener('keydown', onKeyDown);
    dom.addEventListener('mouseup', onMouseUp);
    return () => {
      dom.removeEventListener('keydown', onKeyDown);
      dom.removeEventListener('mouseup', onMouseUp);
    };
  }, [editor]);

  const stepHistory = (direction: 'undo' | 'redo') => {
    const label = direction === 'undo' ? model.history.undo() : model.history.redo();
    if (label === null) setHistoryMessage(direction === 'undo' ? 'Nothing left to undo.' : 'Nothing left to redo.');
    else setHistoryMessage(`${direction === 'undo' ? 'Undid' : 'Redid'} ${label}.`);
  };
  const stepHistoryRef = useRef(stepHistory);
  stepHistoryRef.current = stepHistory;

  // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y act on this person's coding actions anywhere in the view,
  // the transcript included (text undo is not offered there); form fields keep their own undo.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      const direction = key === 'z' ? (event.shiftKey ? 'redo' : 'undo') : key === 'y' && !event.shiftKey ? 'redo' : null;
      if (!direction) return;
      if (event.target instanceof Element && event.target.closest('input, textarea, select')) return;
      event.preventDefault();
      event.stopPropagation();
      stepHistoryRef.current(direction);
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);

  const closePicker = (refocus: boolean) => {
    setPicker(null);
    if (refocus && editor) editor.view.dom.focus({ preventScroll: true });
  };

  const apply = (codeId: string) => {
    if (!picker) return;
    const created = model.createCoding(writeLayerId, codeId, picker.start, picker.end);
    setHistoryMessage(null);
    rememberRecentCode(project.id, codeId);
    if (!created) setNotice('Those words cannot hold a coding (only turn breaks or spaces were selected).');
    setPicker(null);
    // Collapsing the selection and refocusing read layout: done in the next frame, they do not
    // hold up drawing the new coding.
    requestAnimationFrame(() => {
      window.getSelection()?.collapseToEnd();
      editor?.view.dom.focus({ preventScroll: true });
    });
  };

  const createCode = async (name: string) => {
    const code = await api.createCode(project.id, { name });
    apply(code.id);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: memberName reads members and user, fixed for this workspace
  const stripes = useMemo<StripeCoding[]>(() => resolved.map((coding: ResolvedCoding) => {
    const code = codeById.get(coding.codeId);
    const coderName = memberName(coding.layer.id);
    return {
      id: coding.id,
      start: coding.start,
      end: coding.end,
      color: code?.color ?? '#888888',
      codeName: code?.name ?? 'Unknown code',
      coderName,
      coderShort: coding.layer.kind === 'mine' ? null : coding.layer.kind === 'consensus' ? 'C' : initials(coderName),
      memo: coding.memo,
      quote: coding.quote,
    };
  }), [resolved, codeById]);
  // The margin lays out thousands of labels: it follows at lower priority, so a new coding's
  // decoration shows without waiting for it.
  const marginStripes = useDeferredValue(stripes);
  const openCoding = useCallback((id: string, rect: DOMRect) => {
    const coding = latest.current.resolved.find((candidate) => candidate.id === id) ?? latest.current.unanchored.find((candidate) => candidate.id === id);
    if (!coding) return;
    setPicker(null);
    setAdjusting(null);
    setDetail({ codingId: id, layerId: coding.layer.id, position: { left: Math.min(rect.left, window.innerWidth - 404), top: Math.min(rect.bottom + 6, window.innerHeight - 360) } });
  }, []);
  const isDetailCoding = (coding: { id: string; layer: { id: string } }) => coding.id === detail?.codingId && coding.layer.id === detail.layerId;
  // A coding shown on its words is found among the resolved ones; one that lost them, among the unanchored.
  const detailOnWords = detail ? resolved.find(isDetailCoding) : undefined;
  const detailCoding: ResolvedCoding | UnanchoredCoding | undefined = detailOnWords ?? (detail ? unanchored.find(isDetailCoding) : undefined);
  const detailRange = detailOnWords ? { start: detailOnWords.start, end: detailOnWords.end } : null;
  const adjustingCode = adjusting ? codeById.get(adjusting.codeId) : undefined;
  const adjustingRange = adjusting?.selection && model.trimRange(adjusting.selection.start, adjusting.selection.end);
  const blindHidden = project.blind && !decide({ role: project.role, resource: 'other-layer', operation: 'read', blind: true }).allowed;
  const legend = useMemo(() => codeLegend(codes, allResolved), [codes, allResolved]);
  const toggleCodeFilter = (codeId: string) => {
    const next = new Set(codeFilter);
    if (next.has(codeId)) next.delete(codeId);
    else next.add(codeId);
    setCodeFilter(next);
  };
  const hasWritableLayer = model.layers.some((layer) => writableLayers.has(layer.id));

  return (
    <main className="coding-page">
      {highlighted && <style>{`.transcript-text .${codingClass(highlighted)} { outline: 2px solid var(--focus); outline-offset: 1px; border-radius: 2px; }`}</style>}
      {adjusting && <style>{`.transcript-text .${codingClass(adjusting.codingId)} { outline: 2px dashed var(--focus); outline-offset: 2px; border-radius: 2px; }`}</style>}
      <div className="coding-header">
        <div>
          <p className="eyebrow">
            <Link href={paths.projects()}>Projects</Link> / <Link href={paths.project(project.id)}>{project.name}</Link>
          </p>
          <h1>{document.title}</h1>
          <p className="attribute-list">
            {Object.entries(document.attributes).map(([key, value]) => (
              <span key={key} className="attribute">
                {key}: {value}
              </span>
            ))}
          </p>
        </div>
        <Presence awareness={model.transcript.provider.awareness} place="transcript" />
      </div>

      {transcriptState.refused && (
        <div className="banner banner-error" role="alert">
          Access refused: {transcriptState.refused}
        </div>
      )}
      {notice && (
        <div className="banner banner-info" role="status">
          {notice}
          <button type="button" className="button ghost small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}

      <div className="coding-layout">
        <aside className="coding-sidebar" aria-label="Layers and legend">
          <section className="sidebar-section">
            <h2>Layers</h2>
            <ul className="layer-list">
              {model.layers.map((layer) => (
                <li key={layer.id}>
                  <label className="layer-toggle">
                    <input
                      type="checkbox"
                      checked={visible.has(layer.id)}
                      onChange={(event) => {
                        const next = new Set(visible);
                        if (event.target.checked) next.add(layer.id);
                        else next.delete(layer.id);
                        setVisible(next);
                      }}
                    />
                    {layer.kind === 'consensus' ? (
                      <span className="avatar avatar-small consensus-avatar" aria-hidden="true">
                        ✓
                      </span>
                    ) : (
                      <Avatar userId={layer.id} name={layer.kind === 'mine' ? user.name : layer.label} size="small" />
                    )}
                    <span>{layer.label}</span>
                    {layer.document.state().refused && <span className="muted small"> (refused)</span>}
                  </label>
                </li>
              ))}
            </ul>
            {blindHidden && (
              <p className="blind-note" data-testid="blind-note">
                <strong>Blind mode is on.</strong> You see only your own codings. Other coders’ codings and the consensus stay hidden
                until the project owner turns blind mode off, so that everyone codes independently before comparing.
              </p>
            )}
            {writableLayers.size > 1 && (
              <label className="field">
                <span>New codings go to</span>
                <select value={writeLayerId} onChange={(event) => setWriteLayerId(event.target.value)}>
                  <option value={user.id}>My codings</option>
                  <option value={consensusLayerId}>Consensus</option>
                </select>
              </label>
            )}
          </section>
          <section className="sidebar-section" aria-labelledby="legend-title">
            <h2 id="legend-title">Codes in view</h2>
            {legend.length === 0 ? (
              <p className="muted small">No codings in the visible layers yet.</p>
            ) : (
              <>
                <p className="muted small legend-hint" id="legend-hint">
                  Pick codes to show only their codings; a code brings its sub-codes along.
                </p>
                <ul className="legend" aria-label="Filter codings by code" aria-describedby="legend-hint">
                  {legend.map((entry) => {
                    const pressed = codeFilter.has(entry.codeId);
                    const included = !pressed && (filteredCodeIds?.has(entry.codeId) ?? false);
                    return (
                      <li key={entry.codeId}>
                        <button
                          type="button"
                          className={`legend-button${pressed ? ' pressed' : ''}${included ? ' included' : ''}`}
                          style={{ paddingLeft: `${0.4 + entry.depth * 0.9}rem` }}
                          aria-pressed={pressed}
                          aria-label={`${entry.name}: ${entry.total} coding${entry.total === 1 ? '' : 's'}${entry.depth === 0 && entry.total !== entry.own ? ' with its sub-codes' : ''}`}
                          onClick={() => toggleCodeFilter(entry.codeId)}
                        >
                          <span className="code-swatch" style={{ background: entry.color }} aria-hidden="true" />
                          <span className="legend-name">{entry.name}</span>
                          <span className="legend-count">{entry.total}</span>
                        </button>
                      </li>
                    );
                  })}
                </ul>
              </>
            )}
          </section>
          {unanchored.length > 0 && (
            <section className="sidebar-section attention" aria-labelledby="unanchored-title">
              <p id="unanchored-title" className="unanchored-note">
                {unanchored.length === 1 ? 'One coding' : `${unanchored.length} codings`} in the visible layers lost{' '}
                {unanchored.length === 1 ? 'its' : 'their'} words (the text was deleted or rewritten). They are kept, not shown here; the server
                re-anchors them when it can, and you can re-attach your own by adjusting their boundaries.
              </p>
              <ul className="unanchored-list">
                {unanchored.map((coding) => (
                  <li key={`${coding.layer.id}:${coding.id}`}>
                    <button
                      type="button"
                      className="link-button"
                      data-coding-id={coding.id}
                      onClick={(event) => openCoding(coding.id, event.currentTarget.getBoundingClientRect())}
                    >
                      {codeById.get(coding.codeId)?.name ?? 'Unknown code'} — {memberName(coding.layer.id)}: “{coding.quote}”
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section className="sidebar-section" id="coding-help">
            <h2>How to code</h2>
            {canCode ? (
              <p className="muted small">
                Select words with the mouse, or focus the transcript and use <kbd>Shift</kbd>+arrows (<kbd>Ctrl</kbd> for whole words). Press{' '}
                <kbd>{canEditText ? 'Ctrl+Enter' : 'Enter'}</kbd> to open the code picker. Codings in the margin open with <kbd>Enter</kbd>.
              </p>
            ) : (
              <p className="muted small">
                {!can('own-layer')
                  ? 'You are a viewer in this project: you can read the transcript and codings, but not change them.'
                  : 'Coding starts as soon as the transcript has loaded.'}
              </p>
            )}
          </section>
        </aside>

        <section className="transcript-column" aria-label="Transcript">
          <div className="transcript-toolbar">
            {filteredCodeIds ? (
              <p className="filter-status" data-testid="filter-status">
                <span role="status">
                  Showing {resolved.length} of {allResolved.length} codings —{' '}
                </span>
                <button type="button" className="link-button" onClick={() => setCodeFilter(new Set())}>
                  clear filter
                </button>
              </p>
            ) : (
              <p className="muted small filter-status">
                {initialSyncSettled ? `${allResolved.length} coding${allResolved.length === 1 ? '' : 's'} in the visible layers` : 'Loading codings…'}
              </p>
            )}
            {hasWritableLayer && (
              <fieldset className="history-buttons">
                <legend className="visually-hidden">Undo and redo your coding actions</legend>
                <span className="history-message muted small" role="status">
                  {historyMessage}
                </span>
                <button
                  type="button"
                  className="button small"
                  disabled={history.undoLabel === null}
                  aria-label={history.undoLabel === null ? 'Undo: nothing to undo' : `Undo ${history.undoLabel}`}
                  title="Undo your last coding action (Ctrl+Z)"
                  onClick={() => stepHistory('undo')}
                >
                  <span aria-hidden="true">↶</span> Undo
                </button>
                <button
                  type="button"
                  className="button small"
                  disabled={history.redoLabel === null}
                  aria-label={history.redoLabel === null ? 'Redo: nothing to redo' : `Redo ${history.redoLabel}`}
                  title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
                  onClick={() => stepHistory('redo')}
                >
                  Redo <span aria-hidden="true">↷</span>
                </button>
              </fieldset>
            )}
          </div>
          {!transcriptState.synced && !transcriptState.refused && (
            <p className="loading-line" aria-live="polite">
              Loading the transcript…
            </p>
          )}
          <div className={`transcript-sheet${canEditText ? ' editing' : ''}${canCode ? ' can-code' : ''}`} data-testid="transcript" data-synced={transcriptState.synced ? 'true' : 'false'}>
            <EditorContent editor={editor} />
            {editor && <MarginStripes editor={editor} index={model.index} codings={marginStripes} onOpen={openCoding} onHighlight={setHighlighted} />}
          </div>
        </section>
      </div>

      {picker && (
        <CodePicker
          codes={codes}
          recentIds={recentCodeIds(project.id)}
          usage={model.usage(writeLayerId)}
          canCreate={can('codebook')}
          position={picker.position}
          quote={picker.quote}
          onApply={apply}
          onCreate={createCode}
          onClose={closePicker}
        />
      )}
      {detail && detailCoding && (
        <CodingDetail
          key={detailCoding.id}
          coding={{ ...detailCoding, coderName: memberName(detailCoding.layer.id) }}
          codes={codes}
          writable={writableLayers.has(detailCoding.layer.id) && !detailCoding.layer.document.state().readOnly}
          orphaned={detailRange === null}
          position={detail.position}
          onSave={(patch) => {
            model.updateCoding(detailCoding.layer.id, detailCoding.id, patch);
            setHistoryMessage(null);
          }}
          onAdjust={() => startAdjusting(detailCoding, detailRange)}
          onRemove={() => {
            model.removeCoding(detailCoding.layer.id, detailCoding.id);
            setHistoryMessage(null);
            setDetail(null);
            editor?.view.dom.focus({ preventScroll: true });
          }}
          onClose={() => {
            setDetail(null);
            // Back to the stripe that opened it, so keyboard users keep their place.
            window.document.querySelector<HTMLElement>(`.stripe-label[data-coding-id="${detailCoding.id}"]`)?.focus();
          }}
        />
      )}
      {adjusting && (
        <BoundaryAdjuster
          codeName={adjustingCode?.name ?? 'Unknown code'}
          codeColor={adjustingCode?.color ?? '#888888'}
          currentQuote={adjusting.currentQuote}
          orphaned={adjusting.orphaned}
          selectedQuote={adjusting.selection ? (adjustingRange ? model.index.text.slice(adjustingRange.start, adjustingRange.end) : '') : null}
          error={adjusting.error}
          onApply={() => applyAdjusting(adjusting.selection)}
          onCancel={() => returnFromAdjusting(adjusting.codingId)}
        />
      )}
    </main>
  );
}

interface LegendEntry {
  codeId: string;
  name: string;
  color: string;
  depth: number;
  /** Codings of this very code. */
  own: number;
  /** Codings of this code and all its sub-codes: what filtering by it shows. */
  total: number;
}

/** The codebook tree cut down to the codes that have codings in view (themselves or below them). */
function codeLegend(codes: Code[], codings: ResolvedCoding[]): LegendEntry[] {
  const own = new Map<string, number>();
  for (const coding of codings) own.set(coding.codeId, (own.get(coding.codeId) ?? 0) + 1);
  const tree = codeTree(codes);
  const totals = new Map<string, number>();
  // Depth-first order puts sub-codes after their parent, so a backwards pass sums bottom-up.
  for (let position = tree.length - 1; position >= 0; position -= 1) {
    const code = tree[position].code;
    const total = (totals.get(code.id) ?? 0) + (own.get(code.id) ?? 0);
    totals.set(code.id, total);
    if (code.parentId !== null) totals.set(code.parentId, (totals.get(code.parentId) ?? 0) + total);
  }
  const entries: LegendEntry[] = tree
    .filter((entry) => (totals.get(entry.code.id) ?? 0) > 0)
    .map((entry) => ({
      codeId: entry.code.id,
      name: entry.code.name,
      color: entry.code.color,
      depth: entry.depth,
      own: own.get(entry.code.id) ?? 0,
      total: totals.get(entry.code.id) ?? 0,
    }));
  const known = new Set(codes.map((code) => code.id));
  for (const [codeId, count] of own)
    if (!known.has(codeId)) entries.push({ codeId, name: 'Unknown code', color: '#888888', depth: 0, own: count, total: count });
  return entries;
}

