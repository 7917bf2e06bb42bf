/**
 * The embedded default store: one SQLite file (WAL, synchronous=NORMAL) under the data folder.
 * WAL + NORMAL survives a process crash or SIGKILL because each commit reaches the OS before the
 * call returns; it does not promise survival of an OS crash or power loss (SPEC D1).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import type { ProjectRole } from '../../shared/authz';
import {
  type ApiTokenRecord,
  apiTokenId,
  type CodebookVersionRecord,
  type DocumentRecord,
  type FrozenDocumentState,
  type InvitationRecord,
  type MemberProjectRecord,
  type MemberRecord,
  type NewRoundRecord,
  type ProjectRecord,
  type PseudonymMappingEntry,
  type RelationalStore,
  type RoundRecord,
  type Storage,
  type StoredDocumentState,
  type SyncDocumentLog,
  type UserRecord,
  type UserWithSecret,
} from './types';

/** Versioned migrations, applied in order at start; never edit one that has shipped. */
const migrations: string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,
     password_hash TEXT NOT NULL, is_admin INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
   CREATE TABLE tokens (
     hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     kind TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
   CREATE TABLE projects (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, blind INTEGER NOT NULL, created_at TEXT NOT NULL,
     created_by TEXT NOT NULL REFERENCES users(id));
   CREATE TABLE memberships (
     project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     role TEXT NOT NULL, PRIMARY KEY (project_id, user_id));
   CREATE TABLE invitations (
     project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     email TEXT NOT NULL COLLATE NOCASE, role TEXT NOT NULL, created_at TEXT NOT NULL,
     PRIMARY KEY (project_id, email));
   CREATE TABLE documents (
     id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     title TEXT NOT NULL, attributes TEXT NOT NULL, created_at TEXT NOT NULL);
   CREATE INDEX documents_by_project ON documents(project_id, created_at);
   CREATE TABLE ydoc_snapshots (name TEXT PRIMARY KEY, state BLOB NOT NULL, upto INTEGER NOT NULL);
   CREATE TABLE ydoc_updates (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, data BLOB NOT NULL);
   CREATE INDEX ydoc_updates_by_name ON ydoc_updates(name, id);`,
  `ALTER TABLE memberships ADD COLUMN added_by TEXT REFERENCES users(id) ON DELETE SET NULL;
   CREATE INDEX tokens_by_user ON tokens(user_id);`,
  `CREATE TABLE pseudonym_mappings (
     project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
     mapping TEXT NOT NULL, updated_at TEXT NOT NULL);`,
  `CREATE TABLE codebook_versions (
     id INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL, author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
     source TEXT NOT NULL, codes TEXT NOT NULL);
   CREATE INDEX codebook_versions_by_project ON codebook_versions(project_id, id);
   CREATE TABLE rounds (
     id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     name TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL REFERENCES users(id),
     code_ids TEXT, unit TEXT NOT NULL, target_alpha REAL NOT NULL,
     version_at_creation INTEGER, version_at_close INTEGER,
     closed_at TEXT, closed_by TEXT REFERENCES users(id), revealed INTEGER NOT NULL DEFAULT 0);
   CREATE INDEX rounds_by_project ON rounds(project_id, created_at);
   CREATE TABLE round_documents (
     round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
     document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
     position INTEGER NOT NULL, PRIMARY KEY (round_id, document_id));
   CREATE INDEX round_documents_by_document ON round_documents(document_id);
   CREATE TABLE round_coders (
     round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     position INTEGER NOT NULL, submitted_at TEXT, PRIMARY KEY (round_id, user_id));
   CREATE TABLE round_frozen_states (
     round_id TEXT NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
     document_name TEXT NOT NULL, state BLOB NOT NULL, PRIMARY KEY (round_id, document_name));`,
  `ALTER TABLE rounds ADD COLUMN deleted_documents INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX round_frozen_states_by_name ON round_frozen_states(document_name);`,
];

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  migrations.forEach((sql, index) => {
    const version = index + 1;
    if (applied.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(version, new Date().toISOString());
    })();
  });
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_admin: number;
  created_at: string;
}

interface ProjectRow {
  id: string;
  name: string;
  blind: number;
  created_at: string;
  created_by: string;
}

interface DocumentRow {
  id: string;
  project_id: string;
  title: string;
  attributes: string;
  created_at: string;
}

interface RoundRow {
  id: string;
  project_id: string;
  name: string;
  created_at: string;
  created_by: string;
  code_ids: string | null;
  unit: string;
  target_alpha: number;
  version_at_creation: number | null;
  version_at_close: number | null;
  closed_at: string | null;
  closed_by: string | null;
  revealed: number;
  deleted_documents: number;
}

interface CodebookVersionRow {
  id: number;
  project_id: string;
  created_at: string;
  author_id: string | null;
  source: CodebookVersionRecord['source'];
  codes: string;
}

const toCodebookVersion = (row: CodebookVersionRow): CodebookVersionRecord => ({
  id: row.id,
  projectId: row.project_id,
  createdAt: row.created_at,
  authorId: row.author_id,
  source: row.source,
  codes: JSON.parse(row.codes),
});

const toUser = (row: UserRow): UserWithSecret => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.is_admin === 1,
  createdAt: row.created_at,
  passwordHash: row.password_hash,
});

const toProject = (row: ProjectRow): ProjectRecord => ({
  id: row.id,
  name: row.name,
  blind: row.blind === 1,
  createdAt: row.created_at,
  createdBy: row.created_by,
});

const toDocument = (row: DocumentRow): DocumentRecord => ({
  id: row.id,
  projectId: row.project_id,
  title: row.title,
  attributes: JSON.parse(row.attributes) as Record<string, string>,
  createdAt: row.created_at,
});

class SqliteRelationalStore implements RelationalStore {
  constructor(private readonly db: Database.Database) {}

  async countUsers() {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  async createUser(user: UserWithSecret) {
    this.db
      .prepare('INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(user.id, user.email, user.name, user.passwordHash, user.isAdmin ? 1 : 0, user.createdAt);
  }

  async getUserByEmail(email: string) {
    const row = this.db.prepare('SELECT * FROM users WHERE email = ?').get(email) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  async getUserById(id: string): Promise<UserRecord | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    if (!row) return null;
    const { passwordHash: _secret, ...user } = toUser(row);
    return user;
  }

  async createToken(hash: string, userId: string, kind: 'session' | 'api', expiresAt: number) {
    this.db
      .prepare('INSERT INTO tokens (hash, user_id, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(hash, userId, kind, Date.now(), expiresAt);
  }

  async getUserIdByToken(hash: string, now: number) {
    const row = this.db.prepare('SELECT user_id FROM tokens WHERE hash = ? AND expires_at > ?').get(hash, now) as
      | { user_id: string }
      | undefined;
    return row?.user_id ?? null;
  }

  async deleteToken(hash: string) {
    this.db.prepare('DELETE FROM tokens WHERE hash = ?').run(hash);
  }

  async deleteTokensOfUser(userId: string, keepHash: string | null) {
    const rows = this.db
      .prepare('DELETE FROM tokens WHERE user_id = ? AND hash IS NOT ? RETURNING hash')
      .all(userId, keepHash) as { hash: string }[];
    return rows.map((row) => row.hash);
  }

  async listApiTokens(userId: string): Promise<ApiTokenRecord[]> {
    const rows = this.db
      .prepare(`SELECT hash, created_at, expires_at FROM tokens WHERE user_id = ? AND kind = 'api' ORDER BY created_at, hash`)
      .all(userId) as { hash: string; created_at: number; expires_at: number }[];
    return rows.map((row) => ({ id: apiTokenId(row.hash), createdAt: row.created_at, expiresAt: row.expires_at }));
  }

  async deleteApiToken(userId: string, id: string) {
    if (!/^[0-9a-f]{16}$/.test(id)) return null;
    const row = this.db
      .prepare(`DELETE FROM tokens WHERE user_id = ? AND kind = 'api' AND substr(hash, 1, 16) = ? RETURNING hash`)
      .get(userId, id) as { hash: string } | undefined;
    return row?.hash ?? null;
  }

  async countAdmins() {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users WHERE is_admin = 1').get() as { n: number }).n;
  }

  async updatePasswordHash(userId: string, passwordHash: string) {
    this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
  }

  async anonymiseUser(userId: string, replacement: { email: string; name: string; passwordHash: string }) {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE users SET email = ?, name = ?, password_hash = ?, is_admin = 0 WHERE id = ?')
        .run(replacement.email, replacement.name, replacement.passwordHash, userId);
      this.db.prepare('DELETE FROM tokens WHERE user_id = ?').run(userId);
      this.db.prepare('DELETE FROM memberships WHERE user_id = ?').run(userId);
    })();
  }

  async createProject(project: ProjectRecord) {
    this.db
      .prepare('INSERT INTO projects (id, name, blind, created_at, created_by) VALUES (?, ?, ?, ?, ?)')
      .run(project.id, project.name, project.blind ? 1 : 0, project.createdAt, project.createdBy);
  }

  async getProject(id: string) {
    const row = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as ProjectRow | undefined;
    return row ? toProject(row) : null;
  }

  async listProjectsForUser(userId: string): Promise<MemberProjectRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT p.*, m.role, a.name AS added_by_name, a.email AS added_by_email FROM projects p
         JOIN memberships m ON m.project_id = p.id LEFT JOIN users a ON a.id = m.added_by
         WHERE m.user_id = ? ORDER BY p.created_at, p.id`,
      )
      .all(userId) as (ProjectRow & { role: ProjectRole; added_by_name: string | null; added_by_email: string | null })[];
    return rows.map((row) => ({
      ...toProject(row),
      role: row.role,
      addedBy: row.added_by_email === null ? null : { name: row.added_by_name ?? '', email: row.added_by_email },
    }));
  }

  async updateProject(id: string, patch: { name?: string; blind?: boolean }) {
    if (patch.name !== undefined) this.db.prepare('UPDATE projects SET name = ? WHERE id = ?').run(patch.name, id);
    if (patch.blind !== undefined)
      this.db.prepare('UPDATE projects SET blind = ? WHERE id = ?').run(patch.blind ? 1 : 0, id);
  }

  async deleteProject(id: string) {
    return this.db.transaction(() => {
      const documents = this.db.prepare('SELECT id FROM documents WHERE project_id = ?').all(id) as { id: string }[];
      this.db.prepare('DELETE FROM projects WHERE id = ?').run(id);
      return documents.map((document) => document.id);
    })();
  }

  async deleteUser(id: string) {
    this.db.prepare('DELETE FROM users WHERE id = ?').run(id);
  }

  async getPseudonymMapping(projectId: string): Promise<PseudonymMappingEntry[]> {
    const row = this.db.prepare('SELECT mapping FROM pseudonym_mappings WHERE project_id = ?').get(projectId) as { mapping: string } | undefined;
    return row ? (JSON.parse(row.mapping) as PseudonymMappingEntry[]) : [];
  }

  async setPseudonymMapping(projectId: string, mapping: PseudonymMappingEntry[]) {
    this.db
      .prepare(
        `INSERT INTO pseudonym_mappings (project_id, mapping, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
      )
      .run(projectId, JSON.stringify(mapping), new Date().toISOString());
  }

  async setMember(projectId: string, userId: string, role: ProjectRole, addedBy?: string) {
    this.db
      .prepare(
        `INSERT INTO memberships (project_id, user_id, role, added_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`,
      )
      .run(projectId, userId, role, addedBy ?? null);
  }

  async acknowledgeMembership(projectId: string, userId: string) {
    this.db.prepare('UPDATE memberships SET added_by = NULL WHERE project_id = ? AND user_id = ?').run(projectId, userId);
  }

  async removeMember(projectId: string, userId: string) {
    this.db.prepare('DELETE FROM memberships WHERE project_id = ? AND user_id = ?').run(projectId, userId);
  }

  async getRole(projectId: string, userId: string) {
    const row = this.db
      .prepare('SELECT role FROM memberships WHERE project_id = ? AND user_id = ?')
      .get(projectId, userId) as { role: ProjectRole } | undefined;
    return row?.role ?? null;
  }

  async listMembers(projectId: string): Promise<MemberRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT m.project_id, m.user_id, m.role, u.name, u.email FROM memberships m
         JOIN users u ON u.id = m.user_id WHERE m.project_id = ? ORDER BY u.name, u.email`,
      )
      .all(projectId) as { project_id: string; user_id: string; role: ProjectRole; name: string; email: string }[];
    return rows.map((row) => ({
      projectId: row.project_id,
      userId: row.user_id,
      role: row.role,
      name: row.name,
      email: row.email,
    }));
  }

  async createInvitation(invitation: InvitationRecord) {
    this.db
      .prepare(
        `INSERT INTO invitations (project_id, email, role, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id, email) DO UPDATE SET role = excluded.role`,
      )
      .run(invitation.projectId, invitation.email, invitation.role, invitation.createdAt);
  }

  async listInvitations(projectId: string) {
    const rows = this.db.prepare('SELECT * FROM invitations WHERE project_id = ? ORDER BY email').all(projectId) as {
      project_id: string;
      email: string;
      role: ProjectRole;
      created_at: string;
    }[];
    return rows.map((row) => ({ projectId: row.project_id, email: row.email, role: row.role, createdAt: row.created_at }));
  }

  async acceptInvitations(email: string, userId: string) {
    return this.db.transaction(() => {
      const rows = this.db.prepare('SELECT project_id, role FROM invitations WHERE email = ?').all(email) as {
        project_id: string;
        role: ProjectRole;
      }[];
      for (const row of rows) {
        this.db
          .prepare('INSERT OR IGNORE INTO memberships (project_id, user_id, role) VALUES (?, ?, ?)')
          .run(row.project_id, userId, row.role);
      }
      this.db.prepare('DELETE FROM invitations WHERE email = ?').run(email);
      return rows.length;
    })();
  }

  async hasInvitation(email: string) {
    return this.db.prepare('SELECT 1 FROM invitations WHERE email = ? LIMIT 1').get(email) !== undefined;
  }

  async createDocument(document: DocumentRecord) {
    this.db
      .prepare('INSERT INTO documents (id, project_id, title, attributes, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(document.id, document.projectId, document.title, JSON.stringify(document.attributes), document.createdAt);
  }

  async getDocument(id: string) {
    const row = this.db.prepare('SELECT * FROM documents WHERE id = ?').get(id) as DocumentRow | undefined;
    return row ? toDocument(row) : null;
  }

  async listDocuments(projectId: string) {
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE project_id = ? ORDER BY created_at, id')
      .all(projectId) as DocumentRow[];
    return rows.map(toDocument);
  }

  async updateDocument(id: string, patch: { title?: string; attributes?: Record<string, string> }) {
    if (patch.title !== undefined) this.db.prepare('UPDATE documents SET title = ? WHERE id = ?').run(patch.title, id);
    if (patch.attributes !== undefined)
      this.db.prepare('UPDATE documents SET attributes = ? WHERE id = ?').run(JSON.stringify(patch.attributes), id);
  }

  async deleteDocument(id: string) {
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE rounds SET deleted_documents = deleted_documents + 1 WHERE id IN (SELECT round_id FROM round_documents WHERE document_id = ?)')
        .run(id);
      // Its round_documents rows go with it (ON DELETE CASCADE).
      this.db.prepare('DELETE FROM documents WHERE id = ?').run(id);
    })();
  }

  async createRound(round: NewRoundRecord) {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO rounds (id, project_id, name, created_at, created_by, code_ids, unit, target_alpha, version_at_creation,
             version_at_close, closed_at, closed_by, revealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          round.id,
          round.projectId,
          round.name,
          round.createdAt,
          round.createdBy,
          round.codeIds === null ? null : JSON.stringify(round.codeIds),
          JSON.stringify(round.unit),
          round.targetAlpha,
          round.codebookVersionAtCreation,
          round.codebookVersionAtClose,
          round.closedAt,
          round.closedBy,
          round.revealed ? 1 : 0,
        );
      const addDocument = this.db.prepare('INSERT INTO round_documents (round_id, document_id, position) VALUES (?, ?, ?)');
      for (const [position, documentId] of round.documentIds.entries()) addDocument.run(round.id, documentId, position);
      const addCoder = this.db.prepare('INSERT INTO round_coders (round_id, user_id, position, submitted_at) VALUES (?, ?, ?, ?)');
      for (const [position, coder] of round.coders.entries()) addCoder.run(round.id, coder.userId, position, coder.submittedAt);
    })();
  }

  private toRound(row: RoundRow): RoundRecord {
    const documents = this.db.prepare('SELECT document_id FROM round_documents WHERE round_id = ? ORDER BY position').all(row.id) as {
      document_id: string;
    }[];
    const coders = this.db.prepare('SELECT user_id, submitted_at FROM round_coders WHERE round_id = ? ORDER BY position').all(row.id) as {
      user_id: string;
      submitted_at: string | null;
    }[];
    return {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      createdAt: row.created_at,
      createdBy: row.created_by,
      documentIds: documents.map((document) => document.document_id),
      coders: coders.map((coder) => ({ userId: coder.user_id, submittedAt: coder.submitted_at })),
      codeIds: row.code_ids === null ? null : JSON.parse(row.code_ids),
      unit: JSON.parse(row.unit),
      targetAlpha: row.target_alpha,
      codebookVersionAtCreation: row.version_at_creation,
      codebookVersionAtClose: row.version_at_close,
      closedAt: row.closed_at,
      closedBy: row.closed_by,
      revealed: row.revealed === 1,
      deletedDocuments: row.deleted_documents,
    };
  }

  async getRound(id: string) {
    const row = this.db.prepare('SELECT * FROM rounds WHERE id = ?').get(id) as RoundRow | undefined;
    return row ? this.toRound(row) : null;
  }

  async listRounds(projectId: string) {
    const rows = this.db.prepare('SELECT * FROM rounds WHERE project_id = ? ORDER BY created_at, id').all(projectId) as RoundRow[];
    return rows.map((row) => this.toRound(row));
  }

  async setRoundSubmission(roundId: string, userId: string, submittedAt: string | null) {
    const result = this.db
      .prepare(
        `UPDATE round_coders SET submitted_at = ? WHERE round_id = ? AND user_id = ?
         AND EXISTS (SELECT 1 FROM rounds WHERE id = ? AND closed_at IS NULL)`,
      )
      .run(submittedAt, roundId, userId, roundId);
    return result.changes === 1;
  }

  async closeRound(
    roundId: string,
    close: { closedAt: string; closedBy: string; revealed: boolean; codebookVersion: number | null; frozen: FrozenDocumentState[] },
  ) {
    return this.db.transaction(() => {
      const closed = this.db
        .prepare('UPDATE rounds SET closed_at = ?, closed_by = ?, revealed = ?, version_at_close = ? WHERE id = ? AND closed_at IS NULL')
        .run(close.closedAt, close.closedBy, close.revealed ? 1 : 0, close.codebookVersion, roundId);
      if (closed.changes !== 1) return false;
      const freeze = this.db.prepare('INSERT INTO round_frozen_states (round_id, document_name, state) VALUES (?, ?, ?)');
      for (const frozen of close.frozen) freeze.run(roundId, frozen.documentName, Buffer.from(frozen.state));
      return true;
    })();
  }

  async setRoundRevealed(roundId: string, revealed: boolean) {
    this.db.prepare('UPDATE rounds SET revealed = ? WHERE id = ?').run(revealed ? 1 : 0, roundId);
  }

  async getFrozenStates(roundId: string): Promise<FrozenDocumentState[]> {
    const rows = this.db.prepare('SELECT document_name, state FROM round_frozen_states WHERE round_id = ? ORDER BY document_name').all(roundId) as {
      document_name: string;
      state: Buffer;
    }[];
    return rows.map((row) => ({ documentName: row.document_name, state: new Uint8Array(row.state) }));
  }

  async revealedRoundCovers(documentId: string, readerId: string, coderId: string) {
    const row = this.db
      .prepare(
        `SELECT 1 FROM rounds r JOIN round_documents d ON d.round_id = r.id
         JOIN round_coders reader ON reader.round_id = r.id AND reader.user_id = ?
         JOIN round_coders coder ON coder.round_id = r.id AND coder.user_id = ?
         WHERE d.document_id = ? AND r.revealed = 1 LIMIT 1`,
      )
      .get(readerId, coderId, documentId);
    return row !== undefined;
  }

  async addCodebookVersion(version: Omit<CodebookVersionRecord, 'id'>) {
    const result = this.db
      .prepare('INSERT INTO codebook_versions (project_id, created_at, author_id, source, codes) VALUES (?, ?, ?, ?, ?)')
      .run(version.projectId, version.createdAt, version.authorId, version.source, JSON.stringify(version.codes));
    return Number(result.lastInsertRowid);
  }

  async listCodebookVersions(projectId: string) {
    const rows = this.db.prepare('SELECT * FROM codebook_versions WHERE project_id = ? ORDER BY id').all(projectId) as CodebookVersionRow[];
    return rows.map(toCodebookVersion);
  }

  async getCodebookVersion(projectId: string, id: number) {
    const row = this.db.prepare('SELECT * FROM codebook_versions WHERE project_id = ? AND id = ?').get(projectId, id) as
      | CodebookVersionRow
      | undefined;
    return row ? toCodebookVersion(row) : null;
  }

  async latestCodebookVersion(projectId: string) {
    const row = this.db.prepare('SELECT * FROM codebook_versions WHERE project_id = ? ORDER BY id DESC LIMIT 1').get(projectId) as
      | CodebookVersionRow
      | undefined;
    return row ? toCodebookVersion(row) : null;
  }
}

class SqliteDocumentLog implements SyncDocumentLog {
  readonly kind = 'sync';
  private readonly selectSnapshot;
  private readonly selectUpdates;
  private readonly insertUpdate;
  private readonly upsertSnapshot;
  private readonly deleteUpdatesUpTo;
  private readonly selectLastId;
  private readonly compactTransaction;
  private readonly selectNames;
  private readonly eraseTransaction;

  constructor(private readonly db: Database.Database) {
    this.selectSnapshot = db.prepare('SELECT state FROM ydoc_snapshots WHERE name = ?');
    this.selectUpdates = db.prepare('SELECT id, data FROM ydoc_updates WHERE name = ? ORDER BY id');
    this.insertUpdate = db.prepare('INSERT INTO ydoc_updates (name, data) VALUES (?, ?)');
    this.upsertSnapshot = db.prepare(
      `INSERT INTO ydoc_snapshots (name, state, upto) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET state = excluded.state, upto = excluded.upto`,
    );
    this.deleteUpdatesUpTo = db.prepare('DELETE FROM ydoc_updates WHERE name = ? AND id <= ?');
    this.selectLastId = db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM ydoc_updates WHERE name = ?');
    this.compactTransaction = db.transaction((name: string, state: Uint8Array, upToId: number) => {
      this.upsertSnapshot.run(name, Buffer.from(state), upToId);
      this.deleteUpdatesUpTo.run(name, upToId);
    });
    this.selectNames = db.prepare(
      'SELECT name FROM ydoc_snapshots UNION SELECT name FROM ydoc_updates UNION SELECT document_name AS name FROM round_frozen_states',
    );
    const eraseUpdates = db.prepare('DELETE FROM ydoc_updates WHERE name = ?');
    const eraseSnapshot = db.prepare('DELETE FROM ydoc_snapshots WHERE name = ?');
    const eraseFrozen = db.prepare('DELETE FROM round_frozen_states WHERE document_name = ?');
    this.eraseTransaction = db.transaction((names: readonly string[]) => {
      for (const name of names) {
        eraseUpdates.run(name);
        eraseSnapshot.run(name);
        eraseFrozen.run(name);
      }
    });
  }

  async loadDocument(name: string): Promise<StoredDocumentState> {
    const snapshot = this.selectSnapshot.get(name) as { state: Buffer } | undefined;
    const updates = this.selectUpdates.all(name) as { id: number; data: Buffer }[];
    return {
      snapshot: snapshot ? new Uint8Array(snapshot.state) : null,
      updates: updates.map((row) => ({ id: row.id, data: new Uint8Array(row.data) })),
    };
  }

  appendUpdate(name: string, update: Uint8Array): number {
    return Number(this.insertUpdate.run(name, Buffer.from(update)).lastInsertRowid);
  }

  async compact(name: string, document: Y.Doc): Promise<void> {
    // Synchronous from here on: no update can be applied (and appended) between reading the
    // highest log id and encoding the state, so every row up to that id is in the snapshot.
    const upToId = (this.selectLastId.get(name) as { id: number }).id;
    if (upToId === 0) return;
    this.compactTransaction(name, Y.encodeStateAsUpdate(document), upToId);
  }

  async listDocumentNames(): Promise<string[]> {
    return (this.selectNames.all() as { name: string }[]).map((row) => row.name);
  }

  async eraseDocuments(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    // secure_delete (on for the whole connection, see openSqliteStorage) zeroes the deleted cells
    // and freed pages, so the erased bytes leave the main file once the WAL is checkpointed.
    this.eraseTransaction(names);
    // The WAL still holds the pages as they were when the rows were written; a truncating
    // checkpoint copies the zeroed pages into the main file and empties the WAL. It cannot finish
    // while another connection reads (an online backup, say): then the old frames stay in the WAL
    // until SQLite reuses it, and the next erase truncates it (SPEC E3).
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

export function openSqliteStorage(dataDir: string): Storage {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'cocode.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Every delete and overwrite zeroes the bytes it frees (cells and whole pages). Erasing a
  // transcript (SPEC E3) must also reach the earlier copies of it that compaction deleted long
  // before (folded log rows, superseded snapshots), so this is on for every statement, not only for
  // the erasing ones; it costs a write of each freed page, which compaction frees in few pages.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return {
    relational: new SqliteRelationalStore(db),
    documents: new SqliteDocumentLog(db),
    async close() {
      db.close();
    },
  };
}
