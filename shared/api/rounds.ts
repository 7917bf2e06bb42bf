/**
 * Calibration rounds and codebook versions as the API shows them, and the codebook diff: what
 * changed between two versions of a codebook, as data and as readable lines. Pure, so the server's
 * history and the client's view read a change the same way.
 */
import type { UnitSpec } from '../agreement/segments/units';
import type { Code } from '../collab/schema';

/**
 * What a round measures agreement on: coded units (turn, paragraph, sentence, window, document),
 * or the character continuum itself (Krippendorff's unitized (k)uα per code).
 */
export type RoundUnit = UnitSpec | { kind: 'continuum' };

export const roundUnitKinds = ['continuum', 'turn', 'paragraph', 'sentence', 'window', 'document'] as const;

/** The agreement target of a round unless its owner sets another (Krippendorff 2004: reliable). */
export const defaultTargetAlpha = 0.8;

export type RoundStatus = 'open' | 'closed';

export interface RoundView {
  id: string;
  projectId: string;
  name: string;
  createdAt: string;
  createdBy: string;
  documentIds: string[];
  coderIds: string[];
  /** Null: every code of the codebook. */
  codeIds: string[] | null;
  unit: RoundUnit;
  targetAlpha: number;
  status: RoundStatus;
  closedAt: string | null;
  revealed: boolean;
  codebookVersionAtCreation: number | null;
  codebookVersionAtClose: number | null;
  /** How many of the round's coders have submitted ("2 of 3 submitted"). */
  submitted: number;
  /** Whether the caller is a coder of the round and has submitted. */
  submittedByMe: boolean | null;
  /**
   * How many of the round's transcripts an owner deleted since it was created (SPEC E1): they are
   * gone from `documentIds`, and its agreement is computed on the rest.
   */
  deletedTranscripts: number;
  /**
   * Who submitted, for owners and adjudicators; absent for everyone else, who see the count only
   * (blind mode: never who is how far, SPEC R2).
   */
  submissions?: { userId: string; submittedAt: string | null }[];
}

export interface CodebookVersionView {
  id: number;
  createdAt: string;
  authorId: string | null;
  authorName: string | null;
  source: 'rest' | 'websocket' | 'found';
  codes: number;
}

/** The fields of a code a diff compares, in the order changes are listed. */
export const comparedCodeFields = ['name', 'parentId', 'order', 'color', 'definition', 'inclusion', 'exclusion', 'example', 'archived'] as const;
export type ComparedCodeField = (typeof comparedCodeFields)[number];

export interface FieldChange {
  field: ComparedCodeField;
  before: Code[ComparedCodeField];
  after: Code[ComparedCodeField];
}

/** One code's change between two versions, with its readable lines (one per changed field). */
export type CodeChange = { codeId: string; name: string; text: string[] } & (
  | { kind: 'added'; code: Code }
  | { kind: 'removed'; code: Code }
  | { kind: 'renamed'; before: string; after: string }
  /** A new parent, by name (null: top level). */
  | { kind: 'moved'; before: string | null; after: string | null }
  /** Any other field: definition, inclusion and exclusion criteria, example, colour, order, archived. */
  | { kind: 'changed'; changes: FieldChange[] }
);

export interface CodebookDiff {
  from: number | null;
  to: number;
  changes: CodeChange[];
  /** One line per change, e.g. `Renamed "Barrier" to "Obstacle"`. */
  text: string[];
}

const fieldLabels: Record<ComparedCodeField, string> = {
  name: 'name',
  parentId: 'parent',
  order: 'position',
  color: 'colour',
  definition: 'definition',
  inclusion: 'inclusion criteria',
  exclusion: 'exclusion criteria',
  example: 'example',
  archived: 'archived',
};

const quoted = (value: unknown) => (typeof value === 'string' ? (value === '' ? '(empty)' : `"${value}"`) : String(value));

/** The changes from `before` to `after`, codes matched by id; added, removed, then per code renamed, moved, other fields. */
export function diffCodebooks(before: readonly Code[], after: readonly Code[]): { changes: CodeChange[]; text: string[] } {
  const previous = new Map(before.map((code) => [code.id, code]));
  const current = new Map(after.map((code) => [code.id, code]));
  const nameIn = (codes: Map<string, Code>, id: string | null) => (id === null ? null : (codes.get(id)?.name ?? id));
  const place = (name: string | null) => (name === null ? 'the top level' : `"${name}"`);
  const changes: CodeChange[] = [];
  for (const code of after) {
    if (previous.has(code.id)) continue;
    const under = code.parentId ? ` under "${nameIn(current, code.parentId)}"` : '';
    changes.push({ kind: 'added', codeId: code.id, name: code.name, code, text: [`Added "${code.name}"${under}`] });
  }
  for (const code of before) {
    if (!current.has(code.id)) changes.push({ kind: 'removed', codeId: code.id, name: code.name, code, text: [`Removed "${code.name}"`] });
  }
  for (const code of after) {
    const old = previous.get(code.id);
    if (!old) continue;
    if (old.name !== code.name)
      changes.push({ kind: 'renamed', codeId: code.id, name: code.name, before: old.name, after: code.name, text: [`Renamed "${old.name}" to "${code.name}"`] });
    if (old.parentId !== code.parentId) {
      const from = nameIn(previous, old.parentId);
      const to = nameIn(current, code.parentId);
      changes.push({ kind: 'moved', codeId: code.id, name: code.name, before: from, after: to, text: [`Moved "${code.name}" from ${place(from)} to ${place(to)}`] });
    }
    const fieldChanges: FieldChange[] = comparedCodeFields
      .filter((field) => field !== 'name' && field !== 'parentId' && old[field] !== code[field])
      .map((field) => ({ field, before: old[field], after: code[field] }));
    if (fieldChanges.length === 0) continue;
    const text = fieldChanges.map((change) => `Changed the ${fieldLabels[change.field]} of "${code.name}": ${quoted(change.before)} → ${quoted(change.after)}`);
    changes.push({ kind: 'changed', codeId: code.id, name: code.name, changes: fieldChanges, text });
  }
  return { changes, text: changes.flatMap((change) => change.text) };
}

/** One code's versions: each version in which it appeared, disappeared or changed. */
export interface CodeHistoryEntry {
  version: number;
  createdAt: string;
  authorId: string | null;
  authorName: string | null;
  changes: CodeChange[];
  text: string[];
}

/** Per code per round: the round's alpha with its bootstrap interval (SPEC R4). */
export interface RoundHistoryPoint {
  roundId: string;
  name: string;
  status: RoundStatus;
  closedAt: string | null;
  /** Null when undefined for the round's data (no variation, too few coders; SPEC G3). */
  alpha: number | null;
  interval: { lower: number; upper: number } | null;
}

export interface RoundHistory {
  rounds: {
    roundId: string;
    name: string;
    status: RoundStatus;
    unit: RoundUnit;
    targetAlpha: number;
    /** The codebook version the round's numbers used: at close, or at creation while open. */
    codebookVersion: number | null;
    /** What changed in the codebook since the previous round's version (null for the first round). */
    changesSincePrevious: CodebookDiff | null;
    /** Why the round has no numbers (e.g. fewer than two coders coded), or null. */
    unavailable: { code: string; message: string } | null;
    /** Transcripts of the round deleted since it was created; its numbers cover the rest (SPEC E1). */
    deletedTranscripts: number;
  }[];
  /** One line per code, one point per round (rounds whose scope leaves the code out have none). */
  codes: { codeId: string; name: string; points: RoundHistoryPoint[] }[];
}
