/**
 * The storage interface behind the server. Relational data is asynchronous so that a networked
 * database fits behind the same calls; the collaborative document log is synchronous because the
 * durable append must finish before Hocuspocus broadcasts and acknowledges an update (SPEC D1).
 */
import type * as Y from 'yjs';
import type { ProjectRole } from '../../shared/authz';

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

  createProject(project: ProjectRecord): Promise<void>;
  getProject(id: string): Promise<ProjectRecord | null>;
  listProjectsForUser(userId: string): Promise<(ProjectRecord & { role: ProjectRole })[]>;
  updateProject(id: string, patch: { name?: string; blind?: boolean }): Promise<void>;

  setMember(projectId: string, userId: string, role: ProjectRole): Promise<void>;
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
}

interface DocumentLogBase {
  /** Snapshot plus every logged update after it, in append order. */
  loadDocument(name: string): Promise<StoredDocumentState>;
  /**
   * Folds the log into the snapshot. Only rows whose updates the given live state already contains
   * are removed, so compaction never drops an update (SPEC D3).
   */
  compact(name: string, document: Y.Doc): Promise<void>;
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
