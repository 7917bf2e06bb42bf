/**
 * The storage interface behind the server. Relational data is asynchronous so that a networked
 * database fits behind the same calls; the collaborative document log is synchronous because the
 * durable append must finish before Hocuspocus broadcasts and acknowledges an update (SPEC D1).
 */
import type * as Y from 'yjs';
import type { RoundUnit } from '../../shared/api/rounds';
import type { ProjectRole } from '../../shared/authz';
import type { Code } from '../../shared/collab/schema';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface UserWithSecret extends UserRecord {
  passwordHash: string;
}

export interface ProjectRecord {
  id: string;
  name: string;
  blind: boolean;
  createdAt: string;
  createdBy: string;
}

export interface MemberRecord {
  projectId: string;
  userId: string;
  role: ProjectRole;
  name: string;
  email: string;
}

/** A project as one member sees it in their list. */
export interface MemberProjectRecord extends ProjectRecord {
  role: ProjectRole;
  /** Set while the member has not yet acknowledged being added by someone else (SPEC A8). */
  addedBy: { name: string; email: string } | null;
}

/** The public id of a token: the start of its hash, which reveals nothing of the secret. */
export const apiTokenId = (hash: string): string => hash.slice(0, 16);

/** A long-lived API token as its owner sees it: never the secret, only a short id of its hash. */
export interface ApiTokenRecord {
  id: string;
  createdAt: number;
  expiresAt: number;
}

export interface InvitationRecord {
  projectId: string;
  email: string;
  role: ProjectRole;
  createdAt: string;
}

export interface DocumentRecord {
  id: string;
  projectId: string;
  title: string;
  attributes: Record<string, string>;
  createdAt: string;
}

/** One name of a pseudonymisation mapping and the label that replaces it. */
export interface PseudonymMappingEntry {
  original: string;
  replacement: string;
}

/** A coder of a calibration round and when they marked it submitted (null: not, or taken back). */
export interface RoundCoderRecord {
  userId: string;
  submittedAt: string | null;
}

/** A calibration round (SPEC R1–R4); `closedAt` null while open. */
export interface RoundRecord {
  id: string;
  projectId: string;
  name: string;
  createdAt: string;
  createdBy: string;
  documentIds: string[];
  coders: RoundCoderRecord[];
  /** The codes whose agreement the round measures; null: every code of the codebook. */
  codeIds: string[] | null;
  unit: RoundUnit;
  /** The alpha the round aims for, e.g. 0.8. */
  targetAlpha: number;
  /** The codebook version current when the round was created and when it was closed. */
  codebookVersionAtCreation: number | null;
  codebookVersionAtClose: number | null;
  closedAt: string | null;
  closedBy: string | null;
  /** Closed rounds only: the coders' layers of its transcripts are readable to its coders. */
  revealed: boolean;
  /** How many of the round's transcripts were deleted since it was created; `documentIds` lists the rest. */
  deletedDocuments: number;
}

/** A round as it is created: nothing of it has been deleted yet. */
export type NewRoundRecord = Omit<RoundRecord, 'deletedDocuments'>;

/** The full encoded Yjs state of one document (a layer or a transcript) as it was when a round closed. */
export interface FrozenDocumentState {
  documentName: string;
  state: Uint8Array;
}

/** How a codebook version came about: a REST write, websocket edits, or found on reading it (an import, or before versions were kept). */
export type CodebookVersionSource = 'rest' | 'websocket' | 'found';

/** The codebook's codes after one change (or one burst of websocket edits), with who made it. */
export interface CodebookVersionRecord {
  /** Increasing per store, so a later version has a larger id. */
  id: number;
  projectId: string;
  createdAt: string;
  /** Null for versions found without an author (source `found`). */
  authorId: string | null;
  source: CodebookVersionSource;
  codes: Code[];
}

export interface StoredDocumentState {
  snapshot: Uint8Array | null;
  updates: { id: number; data: Uint8Array }[];
}

export interface RelationalStore {
  countUsers(): Promise<number>;
  createUser(user: UserWithSecret): Promise<void>;
  getUserByEmail(email: string): Promise<UserWithSecret | null>;
  getUserById(id: string): Promise<UserRecord | null>;

  createToken(hash: string, userId: string, kind: 'session' | 'api', expiresAt: number): Promise<void>;
  getUserIdByToken(hash: string, now: number): Promise<string | null>;
  deleteToken(hash: string): Promise<void>;
  /** Deletes every token of a user except `keepHash`; returns the deleted hashes. */
  deleteTokensOfUser(userId: string, keepHash: string | null): Promise<string[]>;
  listApiTokens(userId: string): Promise<ApiTokenRecord[]>;
  /** Deletes one of the user's API tokens by id; returns its hash, or null when there is none. */
  deleteApiToken(userId: string, id: string): Promise<string | null>;
  countAdmins(): Promise<number>;
  updatePasswordHash(userId: string, passwordHash: string): Promise<void>;
  /**
   * Erases an account's personal data and credentials but keeps its id, so the codings it made stay
   * attributed to one (former) coder: email and name are replaced, tokens and memberships removed.
   */
  anonymiseUser(userId: string, replacement: { email: string; name: string; passwordHash: string }): Promise<void>;

  createProject(project: ProjectRecord): Promise<void>;
  getProject(id: string): Promise<ProjectRecord | null>;
  listProjectsForUser(userId: string): Promise<MemberProjectRecord[]>;
  updateProject(id: string, patch: { name?: string; blind?: boolean }): Promise<void>;
  /**
   * Deletes a project's records in one transaction: memberships, invitations, transcript records,
   * rounds, codebook versions and the pseudonym mapping go with it. Returns the ids of the
   * transcript records it deleted. Collaborative documents are erased separately, by name
   * ({@link DocumentLogBase.eraseDocuments}).
   */
  deleteProject(id: string): Promise<string[]>;
  /** Deletes an account with its tokens and memberships (undoing a failed import's placeholder coders). */
  deleteUser(id: string): Promise<void>;

  /** The project's pseudonymisation mapping, kept apart from everything coders can read; [] when none. */
  getPseudonymMapping(projectId: string): Promise<PseudonymMappingEntry[]>;
  setPseudonymMapping(projectId: string, mapping: PseudonymMappingEntry[]): Promise<void>;

  /** Adds or re-roles a member; `addedBy` (someone else adding them) leaves a notice for them. */
  setMember(projectId: string, userId: string, role: ProjectRole, addedBy?: string): Promise<void>;
  acknowledgeMembership(projectId: string, userId: string): Promise<void>;
  removeMember(projectId: string, userId: string): Promise<void>;
  getRole(projectId: string, userId: string): Promise<ProjectRole | null>;
  listMembers(projectId: string): Promise<MemberRecord[]>;

  createInvitation(invitation: InvitationRecord): Promise<void>;
  listInvitations(projectId: string): Promise<InvitationRecord[]>;
  /** Turns every invitation for this email into a membership; returns how many. */
  acceptInvitations(email: string, userId: string): Promise<number>;
  hasInvitation(email: string): Promise<boolean>;

  createDocument(document: DocumentRecord): Promise<void>;
  getDocument(id: string): Promise<DocumentRecord | null>;
  listDocuments(projectId: string): Promise<DocumentRecord[]>;
  updateDocument(id: string, patch: { title?: string; attributes?: Record<string, string> }): Promise<void>;
  /**
   * Deletes a transcript's record and its place in every round, in one transaction; each round that
   * named it counts one more deleted transcript. Its documents are erased separately, by name.
   */
  deleteDocument(id: string): Promise<void>;

  /** Stores a new (open) round with its transcripts and coders. */
  createRound(round: NewRoundRecord): Promise<void>;
  getRound(id: string): Promise<RoundRecord | null>;
  /** The project's rounds, oldest first. */
  listRounds(projectId: string): Promise<RoundRecord[]>;
  /** Marks (a time) or unmarks (null) a coder's submission of an open round; false when the round is closed or not theirs. */
  setRoundSubmission(roundId: string, userId: string, submittedAt: string | null): Promise<boolean>;
  /**
   * Closes an open round and keeps its frozen documents, in one transaction; false (and nothing
   * written) when the round is already closed, so two closes cannot both freeze.
   */
  closeRound(
    roundId: string,
    close: { closedAt: string; closedBy: string; revealed: boolean; codebookVersion: number | null; frozen: FrozenDocumentState[] },
  ): Promise<boolean>;
  setRoundRevealed(roundId: string, revealed: boolean): Promise<void>;
  getFrozenStates(roundId: string): Promise<FrozenDocumentState[]>;
  /** Whether a revealed round covers this transcript with both people among its coders (SPEC R3). */
  revealedRoundCovers(documentId: string, readerId: string, coderId: string): Promise<boolean>;

  /** Appends a codebook version; returns its id. */
  addCodebookVersion(version: Omit<CodebookVersionRecord, 'id'>): Promise<number>;
  /** The project's codebook versions, oldest first. */
  listCodebookVersions(projectId: string): Promise<CodebookVersionRecord[]>;
  getCodebookVersion(projectId: string, id: number): Promise<CodebookVersionRecord | null>;
  latestCodebookVersion(projectId: string): Promise<CodebookVersionRecord | null>;
}

interface DocumentLogBase {
  /** Snapshot plus every logged update after it, in append order. */
  loadDocument(name: string): Promise<StoredDocumentState>;
  /**
   * Folds the log into the snapshot. Only rows whose updates the given live state already contains
   * are removed, so compaction never drops an update (SPEC D3).
   */
  compact(name: string, document: Y.Doc): Promise<void>;
  /** Every document name with stored state: a snapshot, log rows or a calibration round's frozen copy. */
  listDocumentNames(): Promise<string[]>;
  /**
   * Erases documents by name, in one transaction: their snapshots, every log row and every frozen
   * copy a closed round kept of them. Names without stored state are ignored. SQLite overwrites the
   * freed bytes with zeros and truncates its write-ahead log afterwards; PostgreSQL leaves dead
   * tuples until its vacuum reuses their space (SPEC E3).
   */
  eraseDocuments(names: readonly string[]): Promise<void>;
}

/** A log whose append is durable when the call returns (SQLite): it runs inside the update callback. */
export interface SyncDocumentLog extends DocumentLogBase {
  kind: 'sync';
  appendUpdate(name: string, update: Uint8Array): number;
}

/** A log over the network (PostgreSQL): every update is appended and awaited before it is applied. */
export interface AwaitedDocumentLog extends DocumentLogBase {
  kind: 'awaited';
  appendUpdate(name: string, update: Uint8Array): Promise<number>;
}

export type DocumentLogStore = SyncDocumentLog | AwaitedDocumentLog;

export interface Storage {
  relational: RelationalStore;
  documents: DocumentLogStore;
  close(): Promise<void>;
}
