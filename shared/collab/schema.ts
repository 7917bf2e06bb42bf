/**
 * Every Y.Doc key cocode uses, and the typed accessors that read and write them. Nothing else in
 * the client or the server touches `getMap`/`getXmlFragment` with a literal key.
 *
 * - codebook doc (one per project): map `codes`, codeId → Y.Map of {@link Code} fields.
 * - transcript doc (one per document): xml fragment `transcript` (one `paragraph` per speaker turn,
 *   attributes `speaker` and `timestamp`), map `meta` (title, participant attributes).
 * - layer doc (one per document and coder) and consensus doc (one per document): map `codings`,
 *   codingId → Y.Map of {@link StoredCoding} fields. A nested map per coding lets a memo edit and a
 *   code change by two people merge instead of one overwriting the other.
 * - consensus doc, besides `codings`: maps `decisions` (the reconciliation trail, decisionId →
 *   {@link StoredDecision}), `merges` (mergeId → {@link StoredMerge}) and `claims` (disagreementId →
 *   {@link StoredClaim}). Their values are plain JSON written whole by the server only; the
 *   websocket refuses any client update that touches them (SPEC Q2).
 */
import * as Y from 'yjs';
import type { DecisionRecord, PlannedConsensusCoding } from '../reconcile';

export const ydocKeys = {
  codebookCodes: 'codes',
  transcriptFragment: 'transcript',
  transcriptMeta: 'meta',
  layerCodings: 'codings',
  consensusDecisions: 'decisions',
  consensusMerges: 'merges',
  consensusClaims: 'claims',
} as const;

/** The consensus doc's maps only the server writes (SPEC Q2). */
export const serverOnlyConsensusKeys: readonly string[] = [ydocKeys.consensusDecisions, ydocKeys.consensusMerges, ydocKeys.consensusClaims];

export const turnNodeName = 'paragraph';
export const turnAttributes = { speaker: 'speaker', timestamp: 'timestamp' } as const;

// ---------------------------------------------------------------- codebook

export interface Code {
  id: string;
  name: string;
  parentId: string | null;
  order: number;
  color: string;
  definition: string;
  inclusion: string;
  exclusion: string;
  example: string;
  archived: boolean;
}

export type CodeFields = Omit<Code, 'id'>;

const codeDefaults: CodeFields = {
  name: '',
  parentId: null,
  order: 0,
  color: '#888888',
  definition: '',
  inclusion: '',
  exclusion: '',
  example: '',
  archived: false,
};

function codesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(ydocKeys.codebookCodes);
}

function readCode(id: string, entry: Y.Map<unknown>): Code {
  const code: Code = { id, ...codeDefaults };
  for (const key of Object.keys(codeDefaults) as (keyof CodeFields)[]) {
    const value = entry.get(key);
    if (value !== undefined) (code as unknown as Record<string, unknown>)[key] = value;
  }
  return code;
}

/** All codes, sorted by parent, then order, then name, so a tree can be built in one pass. */
export function readCodes(doc: Y.Doc): Code[] {
  const codes: Code[] = [];
  codesMap(doc).forEach((entry, id) => {
    if (entry instanceof Y.Map) codes.push(readCode(id, entry));
  });
  return codes.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}

export function getCode(doc: Y.Doc, id: string): Code | null {
  const entry = codesMap(doc).get(id);
  return entry instanceof Y.Map ? readCode(id, entry) : null;
}

export function putCode(doc: Y.Doc, code: Code): void {
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(code)) if (key !== 'id') entry.set(key, value);
    codesMap(doc).set(code.id, entry);
  });
}

export function patchCode(doc: Y.Doc, id: string, patch: Partial<CodeFields>): void {
  const entry = codesMap(doc).get(id);
  if (!(entry instanceof Y.Map)) throw new Error(`no code ${id}`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) entry.set(key, value);
  });
}

export function removeCode(doc: Y.Doc, id: string): void {
  codesMap(doc).delete(id);
}

// ---------------------------------------------------------------- transcript

export interface Turn {
  speaker: string;
  timestamp: string | null;
  text: string;
}

export interface TranscriptMeta {
  title: string;
  attributes: Record<string, string>;
}

export function transcriptFragment(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(ydocKeys.transcriptFragment);
}

/** The plain text of one turn, without mark tags (XmlText.toString() would render marks as XML). */
export function turnText(text: Y.XmlText | null): string {
  if (!text) return '';
  let out = '';
  for (const op of text.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') out += op.insert;
  return out;
}

/** The turn's text node: a paragraph holds zero (empty turn) or one XmlText. */
export function turnTextNode(turn: Y.XmlElement): Y.XmlText | null {
  const first = turn.firstChild;
  return first instanceof Y.XmlText ? first : null;
}

export function readTurns(doc: Y.Doc): Turn[] {
  const turns: Turn[] = [];
  for (const child of transcriptFragment(doc).toArray()) {
    if (!(child instanceof Y.XmlElement)) continue;
    turns.push({
      speaker: String(child.getAttribute(turnAttributes.speaker) ?? ''),
      timestamp: (child.getAttribute(turnAttributes.timestamp) as string | undefined) ?? null,
      text: turnText(turnTextNode(child)),
    });
  }
  return turns;
}

export function appendTurns(doc: Y.Doc, turns: Turn[]): void {
  doc.transact(() => {
    const elements = turns.map((turn) => {
      const element = new Y.XmlElement(turnNodeName);
      element.setAttribute(turnAttributes.speaker, turn.speaker);
      if (turn.timestamp) element.setAttribute(turnAttributes.timestamp, turn.timestamp);
      if (turn.text.length > 0) {
        const text = new Y.XmlText();
        text.insert(0, turn.text);
        element.insert(0, [text]);
      }
      return element;
    });
    transcriptFragment(doc).push(elements);
  });
}

export function readTranscriptMeta(doc: Y.Doc): TranscriptMeta {
  const meta = doc.getMap<unknown>(ydocKeys.transcriptMeta);
  return {
    title: String(meta.get('title') ?? ''),
    attributes: { ...((meta.get('attributes') as Record<string, string> | undefined) ?? {}) },
  };
}

export function writeTranscriptMeta(doc: Y.Doc, meta: Partial<TranscriptMeta>): void {
  const map = doc.getMap<unknown>(ydocKeys.transcriptMeta);
  doc.transact(() => {
    if (meta.title !== undefined) map.set('title', meta.title);
    if (meta.attributes !== undefined) map.set('attributes', { ...meta.attributes });
  });
}

// ---------------------------------------------------------------- coding layers

/**
 * A coding as stored in a layer doc. `start`/`end` are encoded Yjs relative positions into the
 * turn's XmlText (start sticks to the first coded character, end to the last); `quote` and
 * `lastStart`/`lastEnd` (canonical offsets) are the fallback the repair pass re-anchors from.
 */
export interface StoredCoding {
  id: string;
  codeId: string;
  start: Uint8Array;
  end: Uint8Array;
  quote: string;
  lastStart: number;
  lastEnd: number;
  memo: string;
  createdAt: string;
  createdBy: string;
  /** Set by the repair pass when the coded words are gone; shown to the coder, never dropped. */
  orphaned: boolean;
}

export type CodingPatch = Partial<Omit<StoredCoding, 'id' | 'createdAt' | 'createdBy'>>;

function codingsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(ydocKeys.layerCodings);
}

function readStoredCoding(id: string, entry: Y.Map<unknown>): StoredCoding | null {
  const start = entry.get('start');
  const end = entry.get('end');
  if (!(start instanceof Uint8Array) || !(end instanceof Uint8Array)) return null;
  return {
    id,
    codeId: String(entry.get('codeId') ?? ''),
    start,
    end,
    quote: String(entry.get('quote') ?? ''),
    lastStart: Number(entry.get('lastStart') ?? 0),
    lastEnd: Number(entry.get('lastEnd') ?? 0),
    memo: String(entry.get('memo') ?? ''),
    createdAt: String(entry.get('createdAt') ?? ''),
    createdBy: String(entry.get('createdBy') ?? ''),
    orphaned: entry.get('orphaned') === true,
  };
}

/** Every well-formed coding of a layer (entries without decodable anchors are skipped). */
export function readCodings(doc: Y.Doc): StoredCoding[] {
  const codings: StoredCoding[] = [];
  codingsMap(doc).forEach((entry, id) => {
    if (!(entry instanceof Y.Map)) return;
    const coding = readStoredCoding(id, entry);
    if (coding) codings.push(coding);
  });
  return codings;
}

export function getCoding(doc: Y.Doc, id: string): StoredCoding | null {
  const entry = codingsMap(doc).get(id);
  return entry instanceof Y.Map ? readStoredCoding(id, entry) : null;
}

export function countCodings(doc: Y.Doc): number {
  return codingsMap(doc).size;
}

export function putCoding(doc: Y.Doc, coding: StoredCoding): void {
  doc.transact(() => {
    const entry = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(coding)) if (key !== 'id') entry.set(key, value);
    codingsMap(doc).set(coding.id, entry);
  });
}

export function patchCoding(doc: Y.Doc, id: string, patch: CodingPatch): void {
  const entry = codingsMap(doc).get(id);
  if (!(entry instanceof Y.Map)) throw new Error(`no coding ${id}`);
  doc.transact(() => {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) entry.set(key, value);
  });
}

export function removeCoding(doc: Y.Doc, id: string): boolean {
  const map = codingsMap(doc);
  if (!map.has(id)) return false;
  map.delete(id);
  return true;
}

/** Subscribe to any change of a layer's codings (including nested field edits). */
export function observeCodings(doc: Y.Doc, listener: () => void): () => void {
  const map = codingsMap(doc);
  map.observeDeep(listener);
  return () => map.unobserveDeep(listener);
}

/** Subscribe to any change of a codebook's codes (including nested field edits). */
export function observeCodes(doc: Y.Doc, listener: () => void): () => void {
  const map = codesMap(doc);
  map.observeDeep(listener);
  return () => map.unobserveDeep(listener);
}

// ---------------------------------------------------------------- reconciliation (consensus doc)

/** One decision of the trail as stored: the core's record plus where it came from. Never changed once written. */
export interface StoredDecision extends DecisionRecord {
  id: string;
  /** The auto-merge that made it (see {@link StoredMerge}); null for an adjudicator's decision. */
  mergeId: string | null;
  /** The consensus codings it wrote, in the order of `consensus`. */
  consensusCodingIds: string[];
  /** The decision on the same passage that this one replaced (SPEC Q6); null when it replaced none. */
  supersedes: string | null;
}

/** What undoing an auto-merge did. */
export interface MergeUndo {
  undoneBy: string;
  undoneAt: string;
  removed: string[];
  /** Planned codings someone changed after the merge: left in place. */
  keptEdited: string[];
  alreadyRemoved: string[];
}

/** One auto-merge: what it wrote, so it can be undone exactly. `undo` is set once, when it is undone. */
export interface StoredMerge {
  id: string;
  appliedBy: string;
  appliedAt: string;
  agreedOverlapRatioMin: number;
  coders: string[];
  decisionIds: string[];
  codings: PlannedConsensusCoding[];
  undo: MergeUndo | null;
}

/** An adjudicator working on a passage; it lapses at `expiresAt` unless renewed. */
export interface StoredClaim {
  disagreementId: string;
  userId: string;
  userName: string;
  claimedAt: string;
  expiresAt: string;
}

function plainEntries<T>(doc: Y.Doc, key: string): T[] {
  const entries: T[] = [];
  doc.getMap<unknown>(key).forEach((value) => {
    if (value !== null && typeof value === 'object' && !(value instanceof Y.AbstractType)) entries.push(value as T);
  });
  return entries;
}

/** The decision trail, oldest first (ties: text order, then id). Records from before `supersedes` existed read as superseding none. */
export function readDecisions(doc: Y.Doc): StoredDecision[] {
  return plainEntries<StoredDecision>(doc, ydocKeys.consensusDecisions)
    .map((decision) => ({ ...decision, supersedes: decision.supersedes ?? null }))
    .sort((a, b) => (a.decidedAt < b.decidedAt ? -1 : a.decidedAt > b.decidedAt ? 1 : 0) || a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Appends a decision; refuses to overwrite one (the trail is never edited). */
export function appendDecision(doc: Y.Doc, decision: StoredDecision): void {
  const map = doc.getMap<unknown>(ydocKeys.consensusDecisions);
  if (map.has(decision.id)) throw new Error(`decision ${decision.id} is already recorded`);
  map.set(decision.id, decision);
}

export function readMerges(doc: Y.Doc): StoredMerge[] {
  return plainEntries<StoredMerge>(doc, ydocKeys.consensusMerges).sort((a, b) => (a.appliedAt < b.appliedAt ? -1 : a.appliedAt > b.appliedAt ? 1 : 0));
}

export function getMerge(doc: Y.Doc, id: string): StoredMerge | null {
  const value = doc.getMap<unknown>(ydocKeys.consensusMerges).get(id);
  return value !== null && typeof value === 'object' && !(value instanceof Y.AbstractType) ? (value as StoredMerge) : null;
}

/** Writes a merge whole (plain values are replaced, not patched). */
export function putMerge(doc: Y.Doc, merge: StoredMerge): void {
  doc.getMap<unknown>(ydocKeys.consensusMerges).set(merge.id, merge);
}

export function readClaims(doc: Y.Doc): StoredClaim[] {
  return plainEntries<StoredClaim>(doc, ydocKeys.consensusClaims);
}

export function getClaim(doc: Y.Doc, disagreementId: string): StoredClaim | null {
  const value = doc.getMap<unknown>(ydocKeys.consensusClaims).get(disagreementId);
  return value !== null && typeof value === 'object' && !(value instanceof Y.AbstractType) ? (value as StoredClaim) : null;
}

export function putClaim(doc: Y.Doc, claim: StoredClaim): void {
  doc.getMap<unknown>(ydocKeys.consensusClaims).set(claim.disagreementId, claim);
}

export function removeClaim(doc: Y.Doc, disagreementId: string): boolean {
  const map = doc.getMap<unknown>(ydocKeys.consensusClaims);
  if (!map.has(disagreementId)) return false;
  map.delete(disagreementId);
  return true;
}

/** Subscribe to any change of the claims (who works on which passage), e.g. to show them live. */
export function observeClaims(doc: Y.Doc, listener: () => void): () => void {
  const map = doc.getMap<unknown>(ydocKeys.consensusClaims);
  map.observe(listener);
  return () => map.unobserve(listener);
}
