/**
 * What the REST API answers (docs/api.md): the services return these shapes and the client reads
 * them, so both sides are checked against one declaration.
 */
import type { ProjectRole } from '../authz';
import type { CodingStatus } from '../collab/codings';

export type { AgreementReport } from '../agreement/report';
export type { Code, CodeFields } from '../collab/schema';

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface Project {
  id: string;
  name: string;
  blind: boolean;
  createdAt: string;
  createdBy: string;
  /** The caller's role in it. */
  role: ProjectRole;
  /** In the project list: who added the caller, until the caller acknowledges or leaves (SPEC A8). */
  addedBy?: { name: string; email: string } | null;
}

export interface Member {
  projectId: string;
  userId: string;
  role: ProjectRole;
  name: string;
  email: string;
}

export interface Invitation {
  projectId: string;
  email: string;
  role: ProjectRole;
  createdAt: string;
}

export interface Members {
  members: Member[];
  invitations: Invitation[];
}

/** The same answer whether or not the email has an account (SPEC A8). */
export interface AddedMember {
  invited: true;
  email: string;
  role: ProjectRole;
}

export interface DocumentSummary {
  id: string;
  projectId: string;
  title: string;
  /** Participant attributes, e.g. `{ role: "GP" }`. */
  attributes: Record<string, string>;
  createdAt: string;
}

export interface CreatedDocument extends DocumentSummary {
  turns: number;
  length: number;
}

export interface TurnView {
  index: number;
  speaker: string;
  timestamp: string | null;
  start: number;
  end: number;
}

export interface DocumentDetail extends DocumentSummary {
  /** The canonical text (SPEC C1). */
  text: string;
  turns: TurnView[];
}

export interface CodingView {
  id: string;
  /** The coder's user id, or `consensus`. */
  layer: string;
  coder: string;
  codeId: string;
  start: number;
  end: number;
  text: string;
  memo: string;
  createdAt: string;
  createdBy: string;
  /** `ok`; `collapsed`/`lost` (words gone, offsets are the last known ones); `pending`; `invalid` (SPEC K5). */
  status: CodingStatus;
  orphaned: boolean;
}

/** Codings per document and layer (`coderId` is `consensus` for the consensus layer). */
export interface ProgressRow {
  documentId: string;
  coderId: string;
  codings: number;
}

export interface ProjectHealth {
  brokenDocuments: { documentName: string; problem: string }[];
  quarantinedUpdates: { documentName: string; logId: number; error: string }[];
  /** Stored codings whose anchors do not decode (SPEC K5): kept and reported, left out of agreement. */
  invalidCodings: { documentName: string; codingId: string; problem: string }[];
}

// ---------------------------------------------------------------- import and export

/** Something a file held that cocode could not represent, and why it was left out. */
export interface ImportSkip {
  what: string;
  why: string;
}

/** How a person of an imported file became a coder layer of the new project. */
export interface ImportedCoder {
  /** The name the file gave. */
  name: string;
  userId: string;
  /**
   * `importer`: the file's user has the importer's email; `member`: an existing account with the
   * file's email, added as a coder; `placeholder`: an imported coder with no account, represented
   * by an account that cannot sign in, named after the file's user.
   */
  as: 'importer' | 'member' | 'placeholder';
}

export interface ProjectImportReport {
  sources: number;
  codes: number;
  codings: number;
  users: number;
  /** Memos imported (REFI-QDA notes become coding memos). */
  notes: number;
  /** The unit the file's positions used (REFI-QDA files differ; cocode JSON is always UTF-16). */
  offsets: 'utf16' | 'codepoints';
  skipped: ImportSkip[];
  coders: ImportedCoder[];
}

export interface ImportedProject {
  project: Project;
  report: ProjectImportReport;
}

/** A codebook file merged into a project's codebook: codes matched by name under the same parent are kept. */
export interface CodebookImport {
  added: number;
  kept: number;
  codes: { id: string; name: string; path: string; status: 'added' | 'kept' }[];
}

export interface ImportedDocument extends CreatedDocument {
  /** What the reader noticed (a guessed speaker pattern, dropped styling, no attribute row, …). */
  warnings: string[];
  /** Names the pseudonymisation mapping replaced in this transcript. */
  pseudonymsReplaced: number;
}

/** One file of a documents import: imported, or refused with the reason (nothing of it is kept). */
export type DocumentImportResult =
  | { file: string; ok: true; document: ImportedDocument }
  | { file: string; ok: false; error: { code: string; message: string } };

/** What a transcript file would become, before anything is written. */
export interface DocumentPreview {
  file: string;
  format: 'txt' | 'md' | 'docx' | 'vtt' | 'srt';
  /** The speaker pattern used (the detected one when `auto` was asked for). */
  speakerPattern: string | { speakers: string[] };
  turns: { speaker: string; timestamp: string | null; text: string }[];
  /** Speakers by number of turns, most first (`""` for turns without a speaker). */
  speakers: { speaker: string; turns: number; characters: number }[];
  characters: number;
  warnings: string[];
}

/** A project's pseudonymisation mapping (owners only), applied to every later transcript import. */
export interface PseudonymMapping {
  mapping: { original: string; replacement: string }[];
}
