/**
 * PostgreSQL storage for larger deployments: the same relational interface as SQLite, and an
 * awaited durable log (every update is inserted and committed before it is applied, SPEC D1).
 * Several cocode processes may share one database (with Redis carrying live updates between them).
 */
import pg from 'pg';
import * as Y from 'yjs';
import type { ProjectRole } from '../../shared/authz';
import {
  type ApiTokenRecord,
  apiTokenId,
  type AwaitedDocumentLog,
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
  type UserRecord,
  type UserWithSecret,
} from './types';

/** Versioned migrations, applied in order at start under an advisory lock; never edit a shipped one. */
const migrations: string[] = [
  `CREATE TABLE users (
     id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, password_hash TEXT NOT NULL,
     is_admin BOOLEAN NOT NULL DEFAULT FALSE, created_at TEXT NOT NULL);
   CREATE UNIQUE INDEX users_email ON users (lower(email));
   CREATE TABLE tokens (
     hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     kind TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);
   CREATE TABLE projects (
     id TEXT PRIMARY KEY, name TEXT NOT NULL, blind BOOLEAN NOT NULL, created_at TEXT NOT NULL,
     created_by TEXT NOT NULL REFERENCES users(id));
   CREATE TABLE memberships (
     project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
     role TEXT NOT NULL, PRIMARY KEY (project_id, user_id));
   CREATE TABLE invitations (
     project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     email TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (project_id, email));
   CREATE TABLE documents (
     id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     title TEXT NOT NULL, attributes JSONB NOT NULL, created_at TEXT NOT NULL);
   CREATE INDEX documents_by_project ON documents(project_id, created_at);
   CREATE TABLE ydoc_snapshots (name TEXT PRIMARY KEY, state BYTEA NOT NULL);
   CREATE TABLE ydoc_updates (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, data BYTEA NOT NULL);
   CREATE INDEX ydoc_updates_by_name ON ydoc_updates(name, id);`,
  `ALTER TABLE memberships ADD COLUMN added_by TEXT REFERENCES users(id) ON DELETE SET NULL;
   CREATE INDEX tokens_by_user ON tokens(user_id);`,
  `CREATE TABLE pseudonym_mappings (
     project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
     mapping JSONB NOT NULL, updated_at TEXT NOT NULL);`,
  `CREATE TABLE codebook_versions (
     id BIGSERIAL PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     created_at TEXT NOT NULL, author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
     source TEXT NOT NULL, codes JSONB NOT NULL);
   CREATE INDEX codebook_versions_by_project ON codebook_versions(project_id, id);
   CREATE TABLE rounds (
     id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
     name TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL REFERENCES users(id),
     code_ids JSONB, unit JSONB NOT NULL, target_alpha DOUBLE PRECISION NOT NULL,
     version_at_creation BIGINT, version_at_close BIGINT,
     closed_at TEXT, closed_by TEXT REFERENCES users(id), revealed BOOLEAN NOT NULL DEFAULT FALSE);
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
     document_name TEXT NOT NULL, state BYTEA NOT NULL, PRIMARY KEY (round_id, document_name));`,
  `ALTER TABLE rounds ADD COLUMN deleted_documents INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX round_frozen_states_by_name ON round_frozen_states(document_name);`,
];

const migrationLockKey = 0x636f636f; // "coco"

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    // Two instances starting together must not both apply a migration.
    await client.query('SELECT pg_advisory_lock($1)', [migrationLockKey]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
    const applied = new Set((await client.query('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    for (const [index, sql] of migrations.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version, new Date().toISOString()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [migrationLockKey]).catch(() => {});
    client.release();
  }
}

const toUser = (row: pg.QueryResultRow): UserWithSecret => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.is_admin,
  createdAt: row.created_at,
  passwordHash: row.password_hash,
});

const toProject = (row: pg.QueryResultRow): ProjectRecord => ({
  id: row.id,
  name: row.name,
  blind: row.blind,
  createdAt: row.created_at,
  createdBy: row.created_by,
});

const toDocument = (row: pg.QueryResultRow): DocumentRecord => ({
  id: row.id,
  projectId: row.project_id,
  title: row.title,
  attributes: row.attributes,
  createdAt: row.created_at,
});

const toCodebookVersion = (row: pg.QueryResultRow): CodebookVersionRecord => ({
  id: Number(row.id),
  projectId: row.project_id,
  createdAt: row.created_at,
  authorId: row.author_id,
  source: row.source,
  codes: row.codes,
});

const versionId = (value: unknown): number | null => (value === null ? null : Number(value));

class PostgresRelationalStore implements RelationalStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Runs `work` in one transaction on one client. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private async rows(sql: string, params: unknown[] = []) {
    return (await this.pool.query(sql, params)).rows;
  }

  async countUsers() {
    return Number((await this.rows('SELECT COUNT(*) AS n FROM users'))[0].n);
  }

  async createUser(user: UserWithSecret) {
    await this.pool.query(
      'INSERT INTO users (id, email, name, password_hash, is_admin, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [user.id, user.email, user.name, user.passwordHash, user.isAdmin, user.createdAt],
    );
  }

  async getUserByEmail(email: string) {
    const [row] = await this.rows('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
    return row ? toUser(row) : null;
  }

  async getUserById(id: string): Promise<UserRecord | null> {
    const [row] = await this.rows('SELECT * FROM users WHERE id = $1', [id]);
    if (!row) return null;
    const { passwordHash: _secret, ...user } = toUser(row);
    return user;
  }

  async createToken(hash: string, userId: string, kind: 'session' | 'api', expiresAt: number) {
    await this.pool.query('INSERT INTO tokens (hash, user_id, kind, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      hash,
      userId,
      kind,
      Date.now(),
      expiresAt,
    ]);
  }

  async getUserIdByToken(hash: string, now: number) {
    const [row] = await this.rows('SELECT user_id FROM tokens WHERE hash = $1 AND expires_at > $2', [hash, now]);
    return row?.user_id ?? null;
  }

  async deleteToken(hash: string) {
    await this.pool.query('DELETE FROM tokens WHERE hash = $1', [hash]);
  }

  async deleteTokensOfUser(userId: string, keepHash: string | null) {
    const rows = await this.rows('DELETE FROM tokens WHERE user_id = $1 AND hash IS DISTINCT FROM $2 RETURNING hash', [userId, keepHash]);
    return rows.map((row) => row.hash as string);
  }

  async listApiTokens(userId: string): Promise<ApiTokenRecord[]> {
    const rows = await this.rows(`SELECT hash, created_at, expires_at FROM tokens WHERE user_id = $1 AND kind = 'api' ORDER BY created_at, hash`, [
      userId,
    ]);
    return rows.map((row) => ({ id: apiTokenId(row.hash), createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) }));
  }

  async deleteApiToken(userId: string, id: string) {
    if (!/^[0-9a-f]{16}$/.test(id)) return null;
    const [row] = await this.rows(`DELETE FROM tokens WHERE user_id = $1 AND kind = 'api' AND substr(hash, 1, 16) = $2 RETURNING hash`, [userId, id]);
    return (row?.hash as string | undefined) ?? null;
  }

  async countAdmins() {
    return Number((await this.rows('SELECT COUNT(*) AS n FROM users WHERE is_admin'))[0].n);
  }

  async updatePasswordHash(userId: string, passwordHash: string) {
    await this.pool.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
  }

  async anonymiseUser(userId: string, replacement: { email: string; name: string; passwordHash: string }) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('UPDATE users SET email = $1, name = $2, password_hash = $3, is_admin = FALSE WHERE id = $4', [
        replacement.email,
        replacement.name,
        replacement.passwordHash,
        userId,
      ]);
      await client.query('DELETE FROM tokens WHERE user_id = $1', [userId]);
      await client.query('DELETE FROM memberships WHERE user_id = $1', [userId]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async createProject(project: ProjectRecord) {
    await this.pool.query('INSERT INTO projects (id, name, blind, created_at, created_by) VALUES ($1, $2, $3, $4, $5)', [
      project.id,
      project.name,
      project.blind,
      project.createdAt,
      project.createdBy,
    ]);
  }

  async getProject(id: string) {
    const [row] = await this.rows('SELECT * FROM projects WHERE id = $1', [id]);
    return row ? toProject(row) : null;
  }

  async listProjectsForUser(userId: string): Promise<MemberProjectRecord[]> {
    const rows = await this.rows(
      `SELECT p.*, m.role, a.name AS added_by_name, a.email AS added_by_email FROM projects p
       JOIN memberships m ON m.project_id = p.id LEFT JOIN users a ON a.id = m.added_by
       WHERE m.user_id = $1 ORDER BY p.created_at, p.id`,
      [userId],
    );
    return rows.map((row) => ({
      ...toProject(row),
      role: row.role as ProjectRole,
      addedBy: row.added_by_email === null ? null : { name: (row.added_by_name as string | null) ?? '', email: row.added_by_email as string },
    }));
  }

  async updateProject(id: string, patch: { name?: string; blind?: boolean }) {
    if (patch.name !== undefined) await this.pool.query('UPDATE projects SET name = $1 WHERE id = $2', [patch.name, id]);
    if (patch.blind !== undefined) await this.pool.query('UPDATE projects SET blind = $1 WHERE id = $2', [patch.blind, id]);
  }

  async deleteProject(id: string) {
    return this.transaction(async (client) => {
      const documents = await client.query('SELECT id FROM documents WHERE project_id = $1', [id]);
      await client.query('DELETE FROM projects WHERE id = $1', [id]);
      return documents.rows.map((row) => row.id as string);
    });
  }

  async deleteUser(id: string) {
    await this.pool.query('DELETE FROM users WHERE id = $1', [id]);
  }

  async getPseudonymMapping(projectId: string): Promise<PseudonymMappingEntry[]> {
    const [row] = await this.rows('SELECT mapping FROM pseudonym_mappings WHERE project_id = $1', [projectId]);
    return row ? (row.mapping as PseudonymMappingEntry[]) : [];
  }

  async setPseudonymMapping(projectId: string, mapping: PseudonymMappingEntry[]) {
    await this.pool.query(
      `INSERT INTO pseudonym_mappings (project_id, mapping, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (project_id) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = EXCLUDED.updated_at`,
      [projectId, JSON.stringify(mapping), new Date().toISOString()],
    );
  }

  async setMember(projectId: string, userId: string, role: ProjectRole, addedBy?: string) {
    await this.pool.query(
      `INSERT INTO memberships (project_id, user_id, role, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role`,
      [projectId, userId, role, addedBy ?? null],
    );
  }

  async acknowledgeMembership(projectId: string, userId: string) {
    await this.pool.query('UPDATE memberships SET added_by = NULL WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
  }

  async removeMember(projectId: string, userId: string) {
    await this.pool.query('DELETE FROM memberships WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
  }

  async getRole(projectId: string, userId: string) {
    const [row] = await this.rows('SELECT role FROM memberships WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
    return (row?.role as ProjectRole | undefined) ?? null;
  }

  async listMembers(projectId: string): Promise<MemberRecord[]> {
    const rows = await this.rows(
      `SELECT m.project_id, m.user_id, m.role, u.name, u.email FROM memberships m
       JOIN users u ON u.id = m.user_id WHERE m.project_id = $1 ORDER BY u.name, u.email`,
      [projectId],
    );
    return rows.map((row) => ({ projectId: row.project_id, userId: row.user_id, role: row.role, name: row.name, email: row.email }));
  }

  async createInvitation(invitation: InvitationRecord) {
    await this.pool.query(
      `INSERT INTO invitations (project_id, email, role, created_at) VALUES ($1, lower($2), $3, $4)
       ON CONFLICT (project_id, email) DO UPDATE SET role = excluded.role`,
      [invitation.projectId, invitation.email, invitation.role, invitation.createdAt],
    );
  }

  async listInvitations(projectId: string) {
    const rows = await this.rows('SELECT * FROM invitations WHERE project_id = $1 ORDER BY email', [projectId]);
    return rows.map((row) => ({ projectId: row.project_id, email: row.email, role: row.role, createdAt: row.created_at }));
  }

  async acceptInvitations(email: string, userId: string) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query('DELETE FROM invitations WHERE email = lower($1) RETURNING project_id, role', [email]);
      for (const row of rows)
        await client.query(
          'INSERT INTO memberships (project_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
          [row.project_id, userId, row.role],
        );
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async hasInvitation(email: string) {
    return (await this.rows('SELECT 1 FROM invitations WHERE email = lower($1) LIMIT 1', [email])).length > 0;
  }

  async createDocument(document: DocumentRecord) {
    await this.pool.query('INSERT INTO documents (id, project_id, title, attributes, created_at) VALUES ($1, $2, $3, $4, $5)', [
      document.id,
      document.projectId,
      document.title,
      JSON.stringify(document.attributes),
      document.createdAt,
    ]);
  }

  async getDocument(id: string) {
    const [row] = await this.rows('SELECT * FROM documents WHERE id = $1', [id]);
    return row ? toDocument(row) : null;
  }

  async listDocuments(projectId: string) {
    return (await this.rows('SELECT * FROM documents WHERE project_id = $1 ORDER BY created_at, id', [projectId])).map(toDocument);
  }

  async updateDocument(id: string, patch: { title?: string; attributes?: Record<string, string> }) {
    if (patch.title !== undefined) await this.pool.query('UPDATE documents SET title = $1 WHERE id = $2', [patch.title, id]);
    if (patch.attributes !== undefined)
      await this.pool.query('UPDATE documents SET attributes = $1 WHERE id = $2', [JSON.stringify(patch.attributes), id]);
  }

  async deleteDocument(id: string) {
    await this.transaction(async (client) => {
      await client.query(
        'UPDATE rounds SET deleted_documents = deleted_documents + 1 WHERE id IN (SELECT round_id FROM round_documents WHERE document_id = $1)',
        [id],
      );
      // Its round_documents rows go with it (ON DELETE CASCADE).
      await client.query('DELETE FROM documents WHERE id = $1', [id]);
    });
  }

  async createRound(round: NewRoundRecord) {
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO rounds (id, project_id, name, created_at, created_by, code_ids, unit, target_alpha, version_at_creation,
           version_at_close, closed_at, closed_by, revealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
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
          round.revealed,
        ],
      );
      for (const [position, documentId] of round.documentIds.entries())
        await client.query('INSERT INTO round_documents (round_id, document_id, position) VALUES ($1, $2, $3)', [round.id, documentId, position]);
      for (const [position, coder] of round.coders.entries())
        await client.query('INSERT INTO round_coders (round_id, user_id, position, submitted_at) VALUES ($1, $2, $3, $4)', [
          round.id,
          coder.userId,
          position,
          coder.submittedAt,
        ]);
    });
  }

  private async toRound(row: pg.QueryResultRow): Promise<RoundRecord> {
    const documents = await this.rows('SELECT document_id FROM round_documents WHERE round_id = $1 ORDER BY position', [row.id]);
    const coders = await this.rows('SELECT user_id, submitted_at FROM round_coders WHERE round_id = $1 ORDER BY position', [row.id]);
    return {
      id: row.id,
      projectId: row.project_id,
      name: row.name,
      createdAt: row.created_at,
      createdBy: row.created_by,
      documentIds: documents.map((document) => document.document_id as string),
      coders: coders.map((coder) => ({ userId: coder.user_id as string, submittedAt: coder.submitted_at as string | null })),
      codeIds: row.code_ids,
      unit: row.unit,
      targetAlpha: Number(row.target_alpha),
      codebookVersionAtCreation: versionId(row.version_at_creation),
      codebookVersionAtClose: versionId(row.version_at_close),
      closedAt: row.closed_at,
      closedBy: row.closed_by,
      revealed: row.revealed,
      deletedDocuments: Number(row.deleted_documents),
    };
  }

  async getRound(id: string) {
    const [row] = await this.rows('SELECT * FROM rounds WHERE id = $1', [id]);
    return row ? this.toRound(row) : null;
  }

  async listRounds(projectId: string) {
    const rows = await this.rows('SELECT * FROM rounds WHERE project_id = $1 ORDER BY created_at, id', [projectId]);
    return Promise.all(rows.map((row) => this.toRound(row)));
  }

  async setRoundSubmission(roundId: string, userId: string, submittedAt: string | null) {
    const result = await this.pool.query(
      `UPDATE round_coders SET submitted_at = $1 WHERE round_id = $2 AND user_id = $3
       AND EXISTS (SELECT 1 FROM rounds WHERE id = $2 AND closed_at IS NULL)`,
      [submittedAt, roundId, userId],
    );
    return result.rowCount === 1;
  }

  async closeRound(
    roundId: string,
    close: { closedAt: string; closedBy: string; revealed: boolean; codebookVersion: number | null; frozen: FrozenDocumentState[] },
  ) {
    return this.transaction(async (client) => {
      const closed = await client.query(
        'UPDATE rounds SET closed_at = $1, closed_by = $2, revealed = $3, version_at_close = $4 WHERE id = $5 AND closed_at IS NULL',
        [close.closedAt, close.closedBy, close.revealed, close.codebookVersion, roundId],
      );
      if (closed.rowCount !== 1) return false;
      for (const frozen of close.frozen)
        await client.query('INSERT INTO round_frozen_states (round_id, document_name, state) VALUES ($1, $2, $3)', [
          roundId,
          frozen.documentName,
          Buffer.from(frozen.state),
        ]);
      return true;
    });
  }

  async setRoundRevealed(roundId: string, revealed: boolean) {
    await this.pool.query('UPDATE rounds SET revealed = $1 WHERE id = $2', [revealed, roundId]);
  }

  async getFrozenStates(roundId: string): Promise<FrozenDocumentState[]> {
    const rows = await this.rows('SELECT document_name, state FROM round_frozen_states WHERE round_id = $1 ORDER BY document_name', [roundId]);
    return rows.map((row) => ({ documentName: row.document_name as string, state: new Uint8Array(row.state) }));
  }

  async revealedRoundCovers(documentId: string, readerId: string, coderId: string) {
    const rows = await this.rows(
      `SELECT 1 FROM rounds r JOIN round_documents d ON d.round_id = r.id
       JOIN round_coders reader ON reader.round_id = r.id AND reader.user_id = $1
       JOIN round_coders coder ON coder.round_id = r.id AND coder.user_id = $2
       WHERE d.document_id = $3 AND r.revealed LIMIT 1`,
      [readerId, coderId, documentId],
    );
    return rows.length > 0;
  }

  async addCodebookVersion(version: Omit<CodebookVersionRecord, 'id'>) {
    const [row] = await this.rows(
      'INSERT INTO codebook_versions (project_id, created_at, author_id, source, codes) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [version.projectId, version.createdAt, version.authorId, version.source, JSON.stringify(version.codes)],
    );
    return Number(row.id);
  }

  async listCodebookVersions(projectId: string) {
    return (await this.rows('SELECT * FROM codebook_versions WHERE project_id = $1 ORDER BY id', [projectId])).map(toCodebookVersion);
  }

  async getCodebookVersion(projectId: string, id: number) {
    const [row] = await this.rows('SELECT * FROM codebook_versions WHERE project_id = $1 AND id = $2', [projectId, id]);
    return row ? toCodebookVersion(row) : null;
  }

  async latestCodebookVersion(projectId: string) {
    const [row] = await this.rows('SELECT * FROM codebook_versions WHERE project_id = $1 ORDER BY id DESC LIMIT 1', [projectId]);
    return row ? toCodebookVersion(row) : null;
  }
}

class PostgresDocumentLog implements AwaitedDocumentLog {
  readonly kind = 'awaited';

  constructor(private readonly pool: pg.Pool) {}

  async loadDocument(name: string): Promise<StoredDocumentState> {
    const snapshot = await this.pool.query('SELECT state FROM ydoc_snapshots WHERE name = $1', [name]);
    const updates = await this.pool.query('SELECT id, data FROM ydoc_updates WHERE name = $1 ORDER BY id', [name]);
    return {
      snapshot: snapshot.rows[0] ? new Uint8Array(snapshot.rows[0].state) : null,
      updates: updates.rows.map((row) => ({ id: Number(row.id), data: new Uint8Array(row.data) })),
    };
  }

  async appendUpdate(name: string, update: Uint8Array): Promise<number> {
    const result = await this.pool.query('INSERT INTO ydoc_updates (name, data) VALUES ($1, $2) RETURNING id', [name, Buffer.from(update)]);
    return Number(result.rows[0].id);
  }

  async compact(name: string, document: Y.Doc): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One compaction per document at a time, across every instance sharing the database.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
      const rows = (await client.query('SELECT id, data FROM ydoc_updates WHERE name = $1 ORDER BY id', [name])).rows;
      if (rows.length === 0) {
        await client.query('COMMIT');
        return;
      }
      // Rows may be inserted (by this or another instance) but not yet applied here, and ids from
      // a sequence commit out of order: remove exactly the rows this state already contains.
      const snapshot = Y.snapshot(document);
      const contained = rows.filter((row) => Y.snapshotContainsUpdate(snapshot, new Uint8Array(row.data))).map((row) => row.id);
      const previous = (await client.query('SELECT state FROM ydoc_snapshots WHERE name = $1', [name])).rows[0];
      // Merge with the stored snapshot: another instance may have folded in updates this one has
      // not received yet, and overwriting its snapshot would lose them.
      const state = previous
        ? Y.mergeUpdates([new Uint8Array(previous.state), Y.encodeStateAsUpdate(document)])
        : Y.encodeStateAsUpdate(document);
      await client.query(
        `INSERT INTO ydoc_snapshots (name, state) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET state = excluded.state`,
        [name, Buffer.from(state)],
      );
      if (contained.length > 0) await client.query('DELETE FROM ydoc_updates WHERE id = ANY($1::bigint[])', [contained]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async listDocumentNames(): Promise<string[]> {
    const { rows } = await this.pool.query(
      'SELECT name FROM ydoc_snapshots UNION SELECT name FROM ydoc_updates UNION SELECT document_name AS name FROM round_frozen_states',
    );
    return rows.map((row) => row.name as string);
  }

  async eraseDocuments(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The compaction lock of every name (compaction takes one at a time, SPEC S1): a compaction
      // running now finishes first and this erase removes what it wrote; one that starts later
      // finds no rows and writes nothing. Taken in one order, so two instances erasing the same
      // documents at once cannot deadlock.
      await client.query('SELECT pg_advisory_xact_lock(hashtext(name)) FROM (SELECT DISTINCT unnest($1::text[]) AS name ORDER BY 1) AS names', [
        names,
      ]);
      await client.query('DELETE FROM ydoc_updates WHERE name = ANY($1::text[])', [names]);
      await client.query('DELETE FROM ydoc_snapshots WHERE name = ANY($1::text[])', [names]);
      await client.query('DELETE FROM round_frozen_states WHERE document_name = ANY($1::text[])', [names]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

export async function openPostgresStorage(connectionString: string): Promise<Storage> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client losing its connection must not crash the server; the pool replaces it.
  pool.on('error', (error) => console.error(`[cocode] PostgreSQL pool error: ${error.message}`));
  await migrate(pool);
  return {
    relational: new PostgresRelationalStore(pool),
    documents: new PostgresDocumentLog(pool),
    async close() {
      await pool.end();
    },
  };
}
