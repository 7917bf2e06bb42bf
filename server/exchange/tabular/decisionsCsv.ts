/**
 * The reconciliation trail as CSV (SPEC Q4): one row per decision, oldest first per document, with
 * who decided, when, why, the action in words, what each coder had and what went to consensus, and
 * the earlier decision a changed one supersedes (Q6), so the chain reads from the rows alone.
 * Coders and codes are named, not given as ids, so the file reads on its own.
 */
import type { StoredDecision } from '../../../shared/collab/schema';
import type { RecordedAction } from '../../../shared/reconcile';
import { type CsvOptions, writeCsv } from './spreadsheetCells';

export interface DocumentDecisions {
  documentId: string;
  title: string;
  decisions: readonly StoredDecision[];
}

export interface TrailNames {
  /** User id → display name; unknown ids are written as they are. */
  people: ReadonlyMap<string, string>;
  /** Code id → name. */
  codes: ReadonlyMap<string, string>;
}

const header = ['document', 'decision', 'supersedes', 'passage', 'start', 'end', 'kinds', 'action', 'rationale', 'decided by', 'decided at', 'auto-merge', 'coders had', 'consensus'];

/** An action in words, e.g. `accept Ann`, `union of Ann, Bob`, `recode as Barrier (from accept Ann)`. */
export function describeAction(action: RecordedAction, names: TrailNames): string {
  const person = (id: string) => names.people.get(id) ?? id;
  const code = (id: string) => names.codes.get(id) ?? id;
  switch (action.action) {
    case 'accept-coder':
      return `accept ${person(action.coder)}`;
    case 'union':
      return `union of ${action.coders.map(person).join(', ')}`;
    case 'intersection':
      return `intersection of ${action.coders.map(person).join(', ')}`;
    case 'custom-range':
      return `custom ${code(action.codeId)} ${action.start}–${action.end}`;
    case 'recode':
      return `recode as ${code(action.codeId)} (from ${describeAction(action.from, names)})`;
    case 'discard':
      return 'discard';
    case 'auto-merge':
      return `auto-merge (every coder agrees, overlap ≥ ${Math.round(action.agreedOverlapRatioMin * 100)} %)`;
  }
}

function spans(codings: readonly { codeId: string; start: number; end: number }[], names: TrailNames): string {
  return codings.length === 0 ? 'nothing' : codings.map((coding) => `${names.codes.get(coding.codeId) ?? coding.codeId} ${coding.start}–${coding.end}`).join('; ');
}

/**
 * One decision in a few lines of words: the text of its REFI-QDA note. `supersededBy` is the later
 * decision that replaced it, if one did.
 */
export function describeDecision(decision: StoredDecision, names: TrailNames, supersededBy: StoredDecision | null = null): string {
  const person = (id: string) => names.people.get(id) ?? id;
  return [
    `Reconciliation decision ${decision.id} on ${decision.start}–${decision.end} (${decision.kinds.join(', ') || 'agreed'}): ${describeAction(decision.action, names)}.`,
    `Decided by ${person(decision.decidedBy)} at ${decision.decidedAt}.`,
    ...(decision.supersedes ? [`Supersedes decision ${decision.supersedes}.`] : []),
    ...(supersededBy ? [`Superseded by decision ${supersededBy.id} of ${person(supersededBy.decidedBy)} at ${supersededBy.decidedAt}.`] : []),
    ...(decision.rationale ? [`Rationale: ${decision.rationale}`] : []),
    ...decision.coderVersions.map((version) => `${person(version.coder)} had: ${spans(version.codings, names)}.`),
    `Consensus: ${spans(decision.consensus, names)}.`,
  ].join('\n');
}

export function decisionsCsv(documents: readonly DocumentDecisions[], names: TrailNames, options: CsvOptions = {}): string {
  const rows = documents.flatMap((document) =>
    document.decisions.map((decision) => [
      document.title,
      decision.id,
      decision.supersedes ?? '',
      decision.disagreementId,
      decision.start,
      decision.end,
      decision.kinds.join(' '),
      describeAction(decision.action, names),
      decision.rationale ?? '',
      names.people.get(decision.decidedBy) ?? decision.decidedBy,
      decision.decidedAt,
      decision.mergeId ?? '',
      decision.coderVersions.map((version) => `${names.people.get(version.coder) ?? version.coder}: ${spans(version.codings, names)}`).join(' | '),
      spans(decision.consensus, names),
    ]),
  );
  return writeCsv(header, rows, options);
}
