/**
 * The coding view: the transcript in a collaborative editor, codings as decorations and margin
 * stripes, a code picker at the selection, layers, presence and the connection state. The editor
 * mechanics live in `editor/`, the coding rules in `collab/`; this file puts them together.
 */
import { EditorContent } from '@tiptap/react';
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DocumentSummary, Member, Project } from '../../../../shared/api/responses';
import { consensusLayerId, isConsensusLayer } from '../../../../shared/collab/layers';
import { unknownCodeColour } from '../../../../shared/collab/palette';
import { api } from '../../api';
import type { ResolvedCoding, UnanchoredCoding } from '../../collab/codingLayers';
import { CodingModel, type Layer } from '../../collab/codingModel';
import { codingClass, ShownCodings } from '../../editor/codingDecorations';
import { collapseSelection, popoverBelowSelection, selectedOffsets } from '../../editor/selection';
import { useTranscriptEditor } from '../../editor/transcriptEditor';
import { useBoundaryAdjusting } from '../../editor/useBoundaryAdjusting';
import { useCodingDecorations } from '../../editor/useCodingDecorations';
import { type HistoryDirection, useHistoryKeys } from '../../editor/useHistoryKeys';
import { useKeyboardCoding } from '../../editor/useKeyboardCoding';
import { useAsync } from '../../hooks';
import { Link, paths } from '../../router';
import { personColour, useSession } from '../../session';
import { Presence } from '../../ui/Presence';
import { LoadError } from '../../ui/parts';
import { ExportMenu } from '../projects/ExportMenu';
import { recentCodeIds, rememberRecentCode } from '../codebook/codebook';
import { BoundaryAdjuster } from './BoundaryAdjuster';
import { CodePicker } from './CodePicker';
import { CodingDetail } from './CodingDetail';
import { CodeLegend, CodingHelp, codingHelpId, LayerList, UnanchoredList } from './CodingSidebar';
import { CodingToolbar } from './CodingToolbar';
import { codeLegend } from './codeLegend';
import { codingAccess, layerSpecs } from './codingAccess';
import { decoratedCodings, stripeCodings, unknownCodeName } from './codingLooks';
import { MarginStripes } from './MarginStripes';
import { useVisibleCodings } from './useVisibleCodings';

export function CodingScreen({ projectId, documentId }: { projectId: string; documentId: string }) {
  const data = useAsync(async () => {
    const [project, document, members] = await Promise.all([api.project(projectId), api.document(projectId, documentId), api.members(projectId)]);
    return { project, document, members: members.members };
  }, [projectId, documentId]);
  if (data.error) return <LoadError message={data.error.message} />;
  if (!data.data) return <main className="page muted">Opening transcript…</main>;
  return <CodingSession project={data.data.project} document={data.data.document} members={data.data.members} />;
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

/** Popovers open next to what opened them. */
type PopoverPosition = { left: number; top: number };

interface PickerState {
  start: number;
  end: number;
  quote: string;
  position: PopoverPosition;
}

interface DetailState {
  codingId: string;
  layerId: string;
  position: PopoverPosition;
}

/** The code picker is about this tall and wide. */
const pickerSizePx = 380;

function CodingWorkspace({ model, project, document, members }: { model: CodingModel; project: Project; document: DocumentSummary; members: Member[] }) {
  const { user } = useSession();
  // Connection states and codes show in the view: every change of the model re-renders it.
  useSyncExternalStore(model.subscribe, () => model.generation);
  const history = useSyncExternalStore(
    (listener) => model.history.subscribe(listener),
    () => model.history.state(),
  );
  const transcriptState = model.transcript.state();
  const access = codingAccess(project);
  const canCode = access.codeOwnLayer && transcriptState.synced && !transcriptState.refused;
  const canEditText = access.editTranscript && transcriptState.synced && !transcriptState.readOnly;
  const writableLayers = new Set([...(access.codeOwnLayer ? [user.id] : []), ...(access.codeConsensus ? [consensusLayerId] : [])]);

  const [writeLayerId, setWriteLayerId] = useState<string>(user.id);
  const [picker, setPicker] = useState<PickerState | null>(null);
  const [detail, setDetail] = useState<DetailState | null>(null);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [historyMessage, setHistoryMessage] = useState<string | null>(null);

  const coderName = useCallback(
    (layerId: string) => (isConsensusLayer(layerId) ? 'Consensus' : layerId === user.id ? 'you' : (members.find((m) => m.userId === layerId)?.name ?? 'a former member')),
    [members, user.id],
  );
  const codes = model.codes();
  const codeById = useMemo(() => new Map(codes.map((code) => [code.id, code])), [codes]);
  const view = useVisibleCodings(model, codes);
  const { allResolved, resolved, unanchored } = view;

  const shownCodings = useMemo(() => new ShownCodings(model.index), [model]);
  const editor = useTranscriptEditor({
    doc: model.transcript.doc,
    provider: model.transcript.provider,
    decorations: shownCodings,
    caretUser: access.editTranscript ? { id: user.id, name: user.name, color: personColour(user.id) } : null,
    editable: canEditText,
    title: document.title,
    describedBy: codingHelpId,
  });
  const decorated = useMemo(() => decoratedCodings(resolved, codeById, coderName), [resolved, codeById, coderName]);
  useCodingDecorations(editor, shownCodings, decorated);

  const adjusting = useBoundaryAdjusting(editor, model.codings, ({ codeId, quote }) => {
    const name = codeById.get(codeId)?.name ?? 'the coding';
    setHistoryMessage(`Adjusted “${name}”: it now covers “${quote.length > 60 ? `${quote.slice(0, 60)}…` : quote}”.`);
  });

  const focusTranscript = () => editor?.view.dom.focus({ preventScroll: true });

  const openPicker = () => {
    if (!canCode) {
      if (!access.codeOwnLayer) setNotice('Your role in this project is viewer: you can read codings but not add them.');
      return;
    }
    const offsets = editor ? selectedOffsets(editor.view, model.index) : null;
    const words = offsets && model.codings.trimmedSelection(offsets.start, offsets.end);
    const position = words && popoverBelowSelection(pickerSizePx);
    if (!words || !position) return;
    setDetail(null);
    setPicker({ ...words, position });
  };

  useKeyboardCoding(editor, {
    code: openPicker,
    adjusting: adjusting.adjusting ? { apply: adjusting.applyCurrent, cancel: adjusting.cancel } : null,
  });

  const stepHistory = (direction: HistoryDirection) => {
    const label = direction === 'undo' ? model.history.undo() : model.history.redo();
    if (label === null) setHistoryMessage(direction === 'undo' ? 'Nothing left to undo.' : 'Nothing left to redo.');
    else setHistoryMessage(`${direction === 'undo' ? 'Undid' : 'Redid'} ${label}.`);
  };
  useHistoryKeys(stepHistory);

  const closePicker = (refocus: boolean) => {
    setPicker(null);
    if (refocus) focusTranscript();
  };

  const apply = (codeId: string) => {
    if (!picker) return;
    const result = model.codings.createCoding(writeLayerId, codeId, picker.start, picker.end);
    setHistoryMessage(null);
    rememberRecentCode(project.id, codeId);
    if (!result.created) setNotice('Those words cannot hold a coding (only turn breaks or spaces were selected).');
    setPicker(null);
    // Collapsing the selection and refocusing read layout: done in the next frame, they do not
    // hold up drawing the new coding.
    requestAnimationFrame(() => {
      collapseSelection();
      focusTranscript();
    });
  };

  const createCode = async (name: string) => {
    const code = await api.createCode(project.id, { name });
    apply(code.id);
  };

  // The margin lays out thousands of labels: it follows at lower priority, so a new coding's
  // decoration shows without waiting for it.
  const stripes = useMemo(() => stripeCodings(resolved, codeById, coderName), [resolved, codeById, coderName]);
  const marginStripes = useDeferredValue(stripes);
  // The margin's labels open codings; the latest codings are read when one is activated.
  const codingsNow = useRef({ resolved, unanchored });
  codingsNow.current = { resolved, unanchored };
  const dismissAdjusting = adjusting.dismiss;
  const openCoding = useCallback(
    (id: string, rect: DOMRect) => {
      const coding =
        codingsNow.current.resolved.find((candidate) => candidate.id === id) ?? codingsNow.current.unanchored.find((candidate) => candidate.id === id);
      if (!coding) return;
      setPicker(null);
      dismissAdjusting();
      setDetail({ codingId: id, layerId: coding.layer.id, position: { left: Math.min(rect.left, window.innerWidth - 404), top: Math.min(rect.bottom + 6, window.innerHeight - 360) } });
    },
    [dismissAdjusting],
  );

  const isDetailCoding = (coding: { id: string; layer: { id: string } }) => coding.id === detail?.codingId && coding.layer.id === detail.layerId;
  // A coding shown on its words is found among the resolved ones; one that lost them, among the unanchored.
  const detailOnWords = detail ? resolved.find(isDetailCoding) : undefined;
  const detailCoding: ResolvedCoding<Layer> | UnanchoredCoding<Layer> | undefined = detailOnWords ?? (detail ? unanchored.find(isDetailCoding) : undefined);
  const detailRange = detailOnWords ? { start: detailOnWords.start, end: detailOnWords.end } : null;
  const adjustingState = adjusting.adjusting;
  const adjustingCode = adjustingState ? codeById.get(adjustingState.codeId) : undefined;
  const legend = useMemo(() => codeLegend(codes, allResolved), [codes, allResolved]);
  const hasWritableLayer = model.layers.some((layer) => writableLayers.has(layer.id));

  return (
    <main className="coding-page">
      {highlighted && <style>{`.transcript-text .${codingClass(highlighted)} { outline: 2px solid var(--focus); outline-offset: 1px; border-radius: 2px; }`}</style>}
      {adjustingState && <style>{`.transcript-text .${codingClass(adjustingState.codingId)} { outline: 2px dashed var(--focus); outline-offset: 2px; border-radius: 2px; }`}</style>}
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
        <div className="header-actions">
          <Presence awareness={model.transcript.provider.awareness} place="transcript" />
          <ExportMenu project={project} documentId={document.id} />
        </div>
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
          <LayerList
            layers={model.layers}
            visible={view.visibleLayers}
            onToggle={view.toggleLayer}
            myName={user.name}
            blindHidden={access.blindHidden}
            writeLayer={writableLayers.size > 1 ? { myId: user.id, value: writeLayerId, onChange: setWriteLayerId } : null}
          />
          <CodeLegend entries={legend} picked={view.pickedCodes} shown={view.shownCodeIds} onToggle={view.togglePickedCode} />
          <UnanchoredList codings={unanchored} codeById={codeById} coderName={coderName} onOpen={openCoding} />
          <CodingHelp canCode={canCode} canEditText={canEditText} isViewer={!access.codeOwnLayer} />
        </aside>

        <section className="transcript-column" aria-label="Transcript">
          <CodingToolbar
            shownCount={resolved.length}
            totalCount={allResolved.length}
            filtered={view.shownCodeIds !== null}
            loading={!model.initialSyncSettled}
            onClearFilter={view.clearPickedCodes}
            history={hasWritableLayer ? { state: history, message: historyMessage, onStep: stepHistory } : null}
          />
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
          usage={model.codings.usage(writeLayerId)}
          canCreate={access.createCodes}
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
          coding={{ ...detailCoding, coderName: coderName(detailCoding.layer.id) }}
          codes={codes}
          writable={writableLayers.has(detailCoding.layer.id) && !detailCoding.layer.document.state().readOnly}
          orphaned={detailRange === null}
          position={detail.position}
          onSave={(patch) => {
            model.codings.updateCoding(detailCoding.layer.id, detailCoding.id, patch);
            setHistoryMessage(null);
          }}
          onAdjust={() => {
            setDetail(null);
            setPicker(null);
            adjusting.start(detailCoding, detailRange);
          }}
          onRemove={() => {
            model.codings.removeCoding(detailCoding.layer.id, detailCoding.id);
            setHistoryMessage(null);
            setDetail(null);
            focusTranscript();
          }}
          onClose={() => {
            setDetail(null);
            // Back to the stripe that opened it, so keyboard users keep their place.
            window.document.querySelector<HTMLElement>(`.stripe-label[data-coding-id="${detailCoding.id}"]`)?.focus();
          }}
        />
      )}
      {adjustingState && (
        <BoundaryAdjuster
          codeName={adjustingCode?.name ?? unknownCodeName}
          codeColor={adjustingCode?.color ?? unknownCodeColour}
          currentQuote={adjustingState.currentQuote}
          orphaned={adjustingState.orphaned}
          selectedQuote={adjusting.selectedQuote}
          error={adjustingState.error}
          onApply={adjusting.applyLast}
          onCancel={adjusting.cancel}
        />
      )}
    </main>
  );
}
