/**
 * The neutral, in-memory form of a project that every import and export speaks: REFI-QDA
 * (.qdpx/.qdc), the lossless cocode JSON, CSV and HTML. Readers produce it, writers consume it, and
 * the exchange service turns it into (or reads it from) stored projects. It has no Yjs and no
 * database in it, so every format can be tested as a pure function.
 *
 * Offsets are canonical (SPEC C1): UTF-16 code units into the source's plain text, where speaker
 * turns are joined by "\n". Converting to code points (REFI-QDA's unit) is the writers' job.
 */
import type { Code, StoredDecision } from '../../shared/collab/schema';
import type { ProjectRole } from '../../shared/authz';

export interface ExchangeUser {
  /** Stable within one exchange (a cocode user id, or the GUID a REFI-QDA file gave). */
  id: string;
  name: string;
  email?: string;
  /** The user's project role when they are a member (the cocode JSON carries it; REFI-QDA has none). */
  role?: ProjectRole;
}

/** A code exactly as the codebook holds it (`color` is `#rrggbb`). */
export type ExchangeCode = Code;

export interface ExchangeTurn {
  speaker: string;
  timestamp: string | null;
  text: string;
}

export interface ExchangeSource {
  id: string;
  title: string;
  /** Speaker turns; the canonical text is their texts joined by "\n". */
  turns: ExchangeTurn[];
  /** Participant attributes (REFI-QDA Variables), e.g. `{ role: "GP", site: "North" }`. */
  attributes: Record<string, string>;
}

/** Whose layer a coding is in: a coder's user id, or the consensus layer. */
export type ExchangeLayer = { kind: 'coder'; userId: string } | { kind: 'consensus' };

export interface ExchangeCoding {
  id: string;
  sourceId: string;
  layer: ExchangeLayer;
  codeId: string;
  /** Canonical UTF-16 offsets, `start < end`. */
  start: number;
  end: number;
  memo: string;
  /** ISO 8601. */
  createdAt: string;
  /** User id of the person who created it. */
  createdBy: string;
}

/** A project-level note (a REFI-QDA Note that is not the memo of a coding). */
export interface ExchangeNote {
  id: string;
  title: string;
  text: string;
}

/** A reconciliation decision on a source (SPEC Q4), as the consensus doc's trail stores it. */
export interface ExchangeDecision extends StoredDecision {
  sourceId: string;
}

export interface ExchangeProject {
  name: string;
  /** Project settings that travel with it. */
  blind: boolean;
  users: ExchangeUser[];
  codes: ExchangeCode[];
  sources: ExchangeSource[];
  codings: ExchangeCoding[];
  /** Project-level notes, where a format carries them (REFI-QDA). */
  notes?: ExchangeNote[];
  /** The reconciliation trail, where the exporter may show it (owners and adjudicators). */
  decisions?: ExchangeDecision[];
}

/** The canonical plain text of a source (SPEC C1). */
export function sourceText(source: Pick<ExchangeSource, 'turns'>): string {
  return source.turns.map((turn) => turn.text).join('\n');
}
