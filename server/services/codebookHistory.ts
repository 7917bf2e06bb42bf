/**
 * Versions of a project's codebook (SPEC R4): every change is kept as the codes it left, with who
 * made it and when, so any two versions can be compared as a readable diff and a code's history read
 * back. REST writes record a version at once; websocket edits are gathered per codebook and
 * recorded after `codebookEditVersionDebounceMs` of quiet, attributed to the connection's user.
 */
import type { CodebookVersionView, CodeHistoryEntry } from '../../shared/api/rounds';
import { type CodebookDiff, diffCodebooks } from '../../shared/api/rounds';
import { documentNames } from '../../shared/collab/documentNames';
import { type Code, readCodes } from '../../shared/collab/schema';
import { invalid, notFound } from '../errors';
import type { CodebookVersionRecord, CodebookVersionSource, UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { ServiceContext } from './context';

/** Websocket edits of one codebook not yet recorded: the codes after the last of them, by one user. */
interface PendingEdit {
  authorId: string;
  codes: Code[];
  timer: NodeJS.Timeout;
}

const sameCodes = (a: readonly Code[], b: readonly Code[]) => JSON.stringify(a) === JSON.stringify(b);

export class CodebookHistoryService {
  private readonly pending = new Map<string, PendingEdit>();
  /** One recording at a time per project, so versions are stored in the order the changes happened. */
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
  ) {}

  private serially<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(projectId) ?? Promise.resolve()).catch(() => {}).then(work);
    this.chains.set(projectId, run);
    run
      .finally(() => {
        if (this.chains.get(projectId) === run) this.chains.delete(projectId);
      })
      .catch(() => {});
    return run;
  }

  /** Stores `codes` as a new version unless they equal the latest one; the id of the version that holds them. */
  private store(projectId: string, codes: Code[], authorId: string | null, source: CodebookVersionSource): Promise<number> {
    return this.serially(projectId, async () => {
      const latest = await this.context.store.latestCodebookVersion(projectId);
      if (latest && sameCodes(latest.codes, codes)) return latest.id;
      return this.context.store.addCodebookVersion({ projectId, createdAt: new Date().toISOString(), authorId, source, codes });
    });
  }

  private liveCodes(projectId: string): Promise<Code[]> {
    return this.context.gateway.read(documentNames.codebook(projectId), readCodes);
  }

  /** A server-side write of the codebook by `authorId` has finished: record it (after any websocket edits that came first). */
  async recordWrite(projectId: string, authorId: string): Promise<number> {
    await this.flush(projectId);
    return this.store(projectId, await this.liveCodes(projectId), authorId, 'rest');
  }

  /**
   * A websocket edit of the codebook by `authorId`; `codes` are the codebook right after it. Edits
   * by one user within the quiet time are one version; another user's edit first records the
   * previous user's, so each version has one author.
   */
  noteEdit(projectId: string, authorId: string, codes: Code[]): void {
    const previous = this.pending.get(projectId);
    if (previous && previous.authorId !== authorId) void this.flush(projectId);
    else if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => void this.flush(projectId), this.context.config.limits.codebookEditVersionDebounceMs);
    timer.unref();
    this.pending.set(projectId, { authorId, codes, timer });
  }

  /** Records a project's pending websocket edits now (all projects without an id: on shutdown). */
  async flush(projectId?: string): Promise<void> {
    const projectIds = projectId === undefined ? [...this.pending.keys()] : [projectId];
    await Promise.all(
      projectIds.map(async (id) => {
        const edit = this.pending.get(id);
        if (!edit) return;
        clearTimeout(edit.timer);
        this.pending.delete(id);
        await this.store(id, edit.codes, edit.authorId, 'websocket');
      }),
    );
  }

  /**
   * The version that holds the codebook as it is now, for a round to record: pending edits are
   * recorded first; a codebook changed without a version (an import) is recorded as found.
   */
  async current(projectId: string): Promise<number> {
    await this.flush(projectId);
    return this.store(projectId, await this.liveCodes(projectId), null, 'found');
  }

  /** The codes of a version (no authorization: callers have authorized). */
  async codesOf(projectId: string, versionId: number | null): Promise<Code[] | null> {
    if (versionId === null) return null;
    return (await this.context.store.getCodebookVersion(projectId, versionId))?.codes ?? null;
  }

  private async authorNames(projectId: string, versions: CodebookVersionRecord[]): Promise<Map<string, string>> {
    const names = new Map((await this.context.store.listMembers(projectId)).map((member) => [member.userId, member.name || member.email]));
    for (const version of versions) {
      if (version.authorId === null || names.has(version.authorId)) continue;
      // A former member's versions keep their name (SPEC A9 keeps the account).
      const user = await this.context.store.getUserById(version.authorId);
      names.set(version.authorId, user ? user.name || user.email : version.authorId);
    }
    return names;
  }

  async versions(actor: UserRecord, projectId: string): Promise<CodebookVersionView[]> {
    await this.access.authorize(actor, projectId, 'codebook', 'read');
    await this.flush(projectId);
    const versions = await this.context.store.listCodebookVersions(projectId);
    const names = await this.authorNames(projectId, versions);
    return versions.map((version) => ({
      id: version.id,
      createdAt: version.createdAt,
      authorId: version.authorId,
      authorName: version.authorId === null ? null : (names.get(version.authorId) ?? null),
      source: version.source,
      codes: version.codes.length,
    }));
  }

  /** What changed from version `from` (default: the one before) to version `to`; from nothing for the first. */
  async diff(actor: UserRecord, projectId: string, to: number, from?: number): Promise<CodebookDiff> {
    await this.access.authorize(actor, projectId, 'codebook', 'read');
    await this.flush(projectId);
    const versions = await this.context.store.listCodebookVersions(projectId);
    const index = versions.findIndex((version) => version.id === to);
    if (index < 0) throw notFound(`no codebook version ${to} in this project`);
    let before: CodebookVersionRecord | null = index > 0 ? versions[index - 1] : null;
    if (from !== undefined) {
      before = versions.find((version) => version.id === from) ?? null;
      if (!before) throw invalid(`from: no codebook version ${from} in this project`, 'unknown_version');
    }
    return { from: before?.id ?? null, to, ...diffCodebooks(before?.codes ?? [], versions[index].codes) };
  }

  /** The versions in which one code was added, changed or removed, oldest first. */
  async codeHistory(actor: UserRecord, projectId: string, codeId: string): Promise<CodeHistoryEntry[]> {
    await this.access.authorize(actor, projectId, 'codebook', 'read');
    await this.flush(projectId);
    const versions = await this.context.store.listCodebookVersions(projectId);
    if (!versions.some((version) => version.codes.some((code) => code.id === codeId))) throw notFound(`no code ${codeId} in this codebook's history`);
    const names = await this.authorNames(projectId, versions);
    const entries: CodeHistoryEntry[] = [];
    let before: Code[] = [];
    for (const version of versions) {
      const changes = diffCodebooks(before, version.codes).changes.filter((change) => change.codeId === codeId);
      before = version.codes;
      if (changes.length === 0) continue;
      entries.push({
        version: version.id,
        createdAt: version.createdAt,
        authorId: version.authorId,
        authorName: version.authorId === null ? null : (names.get(version.authorId) ?? null),
        changes,
        text: changes.flatMap((change) => change.text),
      });
    }
    return entries;
  }
}
