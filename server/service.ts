/**
 * The application's operations, independent of HTTP: REST routes, the demo seeder and the CLI all
 * call these. Each operation checks authorization with the one decision function before it reads
 * or writes, and writes collaborative data through the live documents.
 */
import { randomUUID } from 'node:crypto';
import { decide, type Operation, type ProjectRole, type ResourceKind } from '../shared/authz';
import { documentNames } from '../shared/collab/documentNames';
import {
  type Code,
  type CodeFields,
  type CodingPatch,
  countCodings,
  getCode,
  getCoding,
  type StoredCoding,
  appendTurns,
  patchCode,
  patchCoding,
  putCode,
  putCoding,
  readCodes,
  readCodings,
  readTurns,
  removeCode,
  removeCoding,
  writeTranscriptMeta,
} from '../shared/collab/schema';
import { endAssoc, startAssoc, TranscriptIndex } from '../shared/collab/transcriptIndex';
import { agreementReport, type AgreementReport, type ReportDocument } from '../shared/agreement/report';
import type { SegmentCoding } from '../shared/agreement/segments/matrices';
import type { UnitSpec } from '../shared/agreement/segments/units';
import { parseTranscript } from '../shared/transcripts/parseTranscript';
import { hashPassword, verifyPassword } from './auth/passwords';
import { RateLimiter } from './auth/rateLimit';
import { newToken } from './auth/tokens';
import type { DocumentGateway } from './collab/gateway';
import type { CocodeConfig } from './config';
import { badRequest, conflict, forbidden, HttpError, notFound, unauthorized } from './rest/errors';
import type { DocumentRecord, ProjectRecord, RelationalStore, UserRecord } from './storage/types';

export interface CodingView {
  id: string;
  layer: string;
  coder: string;
  codeId: string;
  start: number;
  end: number;
  text: string;
  memo: string;
  createdAt: string;
  createdBy: string;
  /** `ok`; `collapsed`/`lost` (words gone, offsets are the last known ones); `pending`. */
  status: string;
  orphaned: boolean;
}

export interface TurnView {
  index: number;
  speaker: string;
  timestamp: string | null;
  start: number;
  end: number;
}

export type LayerSelector = 'me' | 'consensus' | 'all' | string;

const consensusLayer = 'consensus';

export class CocodeService {
  private readonly loginPerIp: RateLimiter;
  private readonly loginPerAccount: RateLimiter;
  /** Called after a change that can narrow someone's access, so open connections are re-checked. */
  onAccessChanged: (projectId: string) => Promise<void> = async () => {};

  constructor(
    readonly store: RelationalStore,
    private readonly gateway: DocumentGateway,
    private readonly config: CocodeConfig,
  ) {
    this.loginPerIp = new RateLimiter(config.limits.loginAttemptsPerMinutePerIp, 60_000);
    this.loginPerAccount = new RateLimiter(config.limits.loginAttemptsPerMinutePerAccount, 60_000);
  }

  // ------------------------------------------------------------ accounts

  async register(input: { email: string; password: string; name: string }): Promise<UserRecord> {
    const email = input.email.trim().toLowerCase();
    if (input.password.length < this.config.limits.passwordMinChars)
      throw badRequest(`password must be at least ${this.config.limits.passwordMinChars} characters`, 'weak_password');
    const isFirst = (await this.store.countUsers()) === 0;
    if (!isFirst && !this.config.openRegistration && !(await this.store.hasInvitation(email)))
      throw forbidden('registration is by project invitation: ask a project owner to invite this email');
    if (await this.store.getUserByEmail(email)) throw conflict('an account with this email already exists', 'email_taken');
    const user: UserRecord = {
      id: randomUUID(),
      email,
      name: input.name.trim(),
      isAdmin: isFirst,
      createdAt: new Date().toISOString(),
    };
    await this.store.createUser({ ...user, passwordHash: await hashPassword(input.password) });
    await this.store.acceptInvitations(email, user.id);
    return user;
  }

  async login(input: { email: string; password: string }, clientIp: string): Promise<UserRecord> {
    const email = input.email.trim().toLowerCase();
    if (!this.loginPerIp.attempt(clientIp) || !this.loginPerAccount.attempt(email))
      throw new HttpError(429, 'too_many_attempts', 'too many sign-in attempts; wait a minute and try again');
    const user = await this.store.getUserByEmail(email);
    // Verify against a dummy hash for unknown emails too, so timing does not reveal accounts.
    const ok = await verifyPassword(input.password, user?.passwordHash ?? dummyHash);
    if (!user || !ok) throw unauthorized('wrong email or password');
    const { passwordHash: _secret, ...record } = user;
    return record;
  }

  async issueToken(userId: string, kind: 'session' | 'api'): Promise<string> {
    const { token, hash } = newToken();
    await this.store.createToken(hash, userId, kind, Date.now() + this.config.sessionTtlMs);
    return token;
  }

  // ------------------------------------------------------------ authorization

  private async membership(actor: UserRecord, projectId: string): Promise<{ project: ProjectRecord; role: ProjectRole }> {
    const project = await this.store.getProject(projectId);
    const role = project ? await this.store.getRole(projectId, actor.id) : null;
    // Non-members learn nothing, not even that the project exists.
    if (!project || !role) throw notFound(`no project ${projectId}`);
    return { project, role };
  }

  private async authorize(actor: UserRecord, projectId: string, resource: ResourceKind, operation: Operation) {
    const { project, role } = await this.membership(actor, projectId);
    const decision = decide({ role, resource, operation, blind: project.blind });
    if (!decision.allowed) throw forbidden(decision.reason);
    return { project, role };
  }

  private async documentOf(actor: UserRecord, documentId: string, projectId?: string) {
    const document = await this.store.getDocument(documentId);
    if (!document || (projectId !== undefined && document.projectId !== projectId))
      throw notFound(`no document ${documentId}`);
    const { project, role } = await this.membership(actor, document.projectId);
    return { document, project, role };
  }

  // ------------------------------------------------------------ projects and members

  async createProject(actor: UserRecord, input: { name: string; blind?: boolean }) {
    const project: ProjectRecord = {
      id: randomUUID(),
      name: input.name.trim(),
      blind: input.blind ?? true,
      createdAt: new Date().toISOString(),
      createdBy: actor.id,
    };
    await this.store.createProject(project);
    await this.store.setMember(project.id, actor.id, 'owner');
    return { ...project, role: 'owner' as ProjectRole };
  }

  async listProjects(actor: UserRecord) {
    return this.store.listProjectsForUser(actor.id);
  }

  async getProject(actor: UserRecord, projectId: string) {
    const { project, role } = await this.membership(actor, projectId);
    return { ...project, role };
  }

  async updateProject(actor: UserRecord, projectId: string, patch: { name?: string; blind?: boolean }) {
    await this.authorize(actor, projectId, 'project-settings', 'write');
    await this.store.updateProject(projectId, { ...patch, name: patch.name?.trim() });
    if (patch.blind !== undefined) await this.onAccessChanged(projectId);
    return this.getProject(actor, projectId);
  }

  async listMembers(actor: UserRecord, projectId: string) {
    await this.authorize(actor, projectId, 'members', 'read');
    const members = await this.store.listMembers(projectId);
    const invitations = await this.store.listInvitations(projectId);
    return { members, invitations };
  }

  /** Adds an existing account, or records an invitation that registration with that email accepts. */
  async addMember(actor: UserRecord, projectId: string, input: { email: string; role: ProjectRole }) {
    await this.authorize(actor, projectId, 'members', 'write');
    const email = input.email.trim().toLowerCase();
    const user = await this.store.getUserByEmail(email);
    if (!user) {
      await this.store.createInvitation({ projectId, email, role: input.role, createdAt: new Date().toISOString() });
      return { invited: true as const, email, role: input.role };
    }
    if (await this.store.getRole(projectId, user.id)) throw conflict(`${email} is already a member`, 'already_member');
    await this.store.setMember(projectId, user.id, input.role);
    return { invited: false as const, userId: user.id, email, name: user.name, role: input.role };
  }

  async updateMember(actor: UserRecord, projectId: string, userId: string, role: ProjectRole) {
    await this.authorize(actor, projectId, 'members', 'write');
    const current = await this.store.getRole(projectId, userId);
    if (!current) throw notFound(`user ${userId} is not a member of this project`);
    if (current === 'owner' && role !== 'owner') await this.assertAnotherOwner(projectId, userId);
    await this.store.setMember(projectId, userId, role);
    await this.onAccessChanged(projectId);
    return { userId, role };
  }

  async removeMember(actor: UserRecord, projectId: string, userId: string) {
    await this.authorize(actor, projectId, 'members', 'write');
    const current = await this.store.getRole(projectId, userId);
    if (!current) throw notFound(`user ${userId} is not a member of this project`);
    if (current === 'owner') await this.assertAnotherOwner(projectId, userId);
    await this.store.removeMember(projectId, userId);
    await this.onAccessChanged(projectId);
  }

  private async assertAnotherOwner(projectId: string, leavingUserId: string) {
    const owners = (await this.store.listMembers(projectId)).filter((m) => m.role === 'owner');
    if (owners.every((owner) => owner.userId === leavingUserId))
      throw conflict('a project needs at least one owner; make someone else owner first', 'last_owner');
  }

  // ------------------------------------------------------------ codebook

  async listCodes(actor: UserRecord, projectId: string): Promise<Code[]> {
    await this.authorize(actor, projectId, 'codebook', 'read');
    return this.gateway.read(documentNames.codebook(projectId), readCodes);
  }

  async createCode(actor: UserRecord, projectId: string, input: Partial<CodeFields> & { name: string }): Promise<Code> {
    await this.authorize(actor, projectId, 'codebook', 'write');
    return this.gateway.write(documentNames.codebook(projectId), (doc) => {
      const codes = readCodes(doc);
      if (codes.length >= this.config.limits.codesPerProjectMax)
        throw conflict(`a codebook holds at most ${this.config.limits.codesPerProjectMax} codes`, 'limit_reached');
      const parentId = input.parentId ?? null;
      this.assertParent(codes, parentId, null);
      this.assertUniqueName(codes, input.name, parentId, null);
      const siblings = codes.filter((code) => code.parentId === parentId);
      const code: Code = {
        id: randomUUID(),
        name: input.name.trim(),
        parentId,
        order: input.order ?? (siblings.length === 0 ? 0 : Math.max(...siblings.map((s) => s.order)) + 1),
        color: input.color ?? palette[codes.length % palette.length],
        definition: input.definition ?? '',
        inclusion: input.inclusion ?? '',
        exclusion: input.exclusion ?? '',
        example: input.example ?? '',
        archived: input.archived ?? false,
      };
      putCode(doc, code);
      return code;
    });
  }

  async updateCode(actor: UserRecord, projectId: string, codeId: string, patch: Partial<CodeFields>): Promise<Code> {
    await this.authorize(actor, projectId, 'codebook', 'write');
    return this.gateway.write(documentNames.codebook(projectId), (doc) => {
      const codes = readCodes(doc);
      const current = codes.find((code) => code.id === codeId);
      if (!current) throw notFound(`no code ${codeId} in this codebook`);
      const parentId = patch.parentId === undefined ? current.parentId : patch.parentId;
      this.assertParent(codes, parentId, codeId);
      if (patch.name !== undefined || patch.parentId !== undefined)
        this.assertUniqueName(codes, patch.name ?? current.name, parentId, codeId);
      patchCode(doc, codeId, { ...patch, name: patch.name?.trim() });
      return getCode(doc, codeId) as Code;
    });
  }

  async deleteCode(actor: UserRecord, projectId: string, codeId: string): Promise<void> {
    await this.authorize(actor, projectId, 'codebook', 'write');
    const codes = await this.gateway.read(documentNames.codebook(projectId), readCodes);
    if (!codes.some((code) => code.id === codeId)) throw notFound(`no code ${codeId} in this codebook`);
    if (codes.some((code) => code.parentId === codeId))
      throw conflict('this code has sub-codes; move or delete them first', 'code_has_children');
    const uses = await this.countCodeUses(projectId, codeId);
    if (uses > 0)
      throw conflict(`this code is applied in ${uses} coding(s); archive it instead, so no coding is lost`, 'code_in_use');
    await this.gateway.write(documentNames.codebook(projectId), (doc) => removeCode(doc, codeId));
  }

  /**
   * Merges one code into another: every coding in every layer (coders' and consensus) moves to the
   * target, sub-codes move under it, and only then is the source removed, so nothing is lost.
   */
  async mergeCode(actor: UserRecord, projectId: string, codeId: string, intoCodeId: string): Promise<{ moved: number }> {
    await this.authorize(actor, projectId, 'codebook', 'write');
    if (codeId === intoCodeId) throw badRequest('intoCodeId: a code cannot be merged into itself', 'merge_into_self');
    const codes = await this.gateway.read(documentNames.codebook(projectId), readCodes);
    if (!codes.some((code) => code.id === codeId)) throw notFound(`no code ${codeId} in this codebook`);
    if (!codes.some((code) => code.id === intoCodeId)) throw badRequest(`intoCodeId: no code ${intoCodeId} in this codebook`, 'unknown_code');
    this.assertParent(codes, intoCodeId, codeId);
    let moved = 0;
    for (const layer of await this.allLayerNames(projectId)) {
      moved += await this.gateway.write(layer, (doc) => {
        const affected = readCodings(doc).filter((coding) => coding.codeId === codeId);
        doc.transact(() => {
          for (const coding of affected) patchCoding(doc, coding.id, { codeId: intoCodeId });
        });
        return affected.length;
      });
    }
    await this.gateway.write(documentNames.codebook(projectId), (doc) => {
      doc.transact(() => {
        for (const child of readCodes(doc).filter((code) => code.parentId === codeId)) patchCode(doc, child.id, { parentId: intoCodeId });
        removeCode(doc, codeId);
      });
    });
    return { moved };
  }

  /**
   * The intercoder agreement report for a project (or some of its documents and coders). It
   * compares coders' layers, so only those who may read other coders' layers get it: owners and
   * adjudicators always, others only when blind mode is off.
   */
  async agreement(
    actor: UserRecord,
    projectId: string,
    query: { unit: UnitSpec; documentIds?: string[]; coderIds?: string[]; groupBy?: string; bootstrap?: { draws: number; seed: number } },
  ): Promise<AgreementReport> {
    const { project, role } = await this.membership(actor, projectId);
    const decision = decide({ role, resource: 'other-layer', operation: 'read', blind: project.blind });
    if (!decision.allowed) throw forbidden(`${decision.reason}; agreement compares coders, so it is shown to owners and adjudicators until then`);
    const allDocuments = await this.store.listDocuments(projectId);
    const documents = query.documentIds ? allDocuments.filter((document) => query.documentIds?.includes(document.id)) : allDocuments;
    for (const id of query.documentIds ?? [])
      if (!allDocuments.some((document) => document.id === id)) throw badRequest(`documents: no document ${id} in this project`, 'unknown_document');
    const members = await this.store.listMembers(projectId);
    for (const id of query.coderIds ?? [])
      if (!members.some((member) => member.userId === id)) throw badRequest(`coders: user ${id} is not a member of this project`, 'unknown_coder');
    const candidates = query.coderIds ?? members.map((member) => member.userId);

    const reportDocuments: ReportDocument[] = [];
    const coded = new Set<string>();
    for (const document of documents) {
      const codings = await this.gateway.read(documentNames.transcript(document.id), async (transcript) => {
        const index = new TranscriptIndex(transcript);
        const found: SegmentCoding[] = [];
        for (const coder of candidates) {
          for (const coding of await this.gateway.read(documentNames.layer(document.id, coder), readCodings)) {
            // Only codings whose words are still there count; orphaned and pending ones do not.
            const resolved = index.resolveAnchors(coding.start, coding.end);
            if (resolved.status !== 'ok' || resolved.start === undefined || resolved.end === undefined) continue;
            found.push({ coder, codeId: coding.codeId, start: resolved.start, end: resolved.end });
            coded.add(coder);
          }
        }
        return {
          text: index.text,
          turns: Array.from({ length: index.turnCount }, (_, i) => ({ start: index.turnStart(i), end: index.turnStart(i) + index.turnLength(i) })),
          codings: found,
        };
      });
      reportDocuments.push({ id: document.id, title: document.title, attributes: document.attributes, ...codings });
    }
    const coders = query.coderIds ?? candidates.filter((coder) => coded.has(coder));
    if (coders.length < 2) throw badRequest('agreement needs codings from at least two coders in the selected documents', 'too_few_coders');
    if (reportDocuments.length === 0) throw badRequest('the project has no documents to compare', 'no_documents');
    const codes = await this.gateway.read(documentNames.codebook(projectId), readCodes);
    return agreementReport(reportDocuments, {
      unit: query.unit,
      coders,
      coderNames: Object.fromEntries(members.map((member) => [member.userId, member.name || member.email])),
      codes,
      groupBy: query.groupBy,
      bootstrap: query.bootstrap,
    });
  }

  /** Codings per document and layer: the progress table of the project home (counts, never content). */
  async progress(actor: UserRecord, projectId: string) {
    await this.authorize(actor, projectId, 'transcript', 'read');
    const members = await this.store.listMembers(projectId);
    const rows: { documentId: string; coderId: string; codings: number }[] = [];
    for (const document of await this.store.listDocuments(projectId)) {
      for (const coderId of [...members.map((member) => member.userId), consensusLayer]) {
        const name = coderId === consensusLayer ? documentNames.consensus(document.id) : documentNames.layer(document.id, coderId);
        rows.push({ documentId: document.id, coderId, codings: await this.gateway.read(name, countCodings) });
      }
    }
    return rows;
  }

  private async countCodeUses(projectId: string, codeId: string): Promise<number> {
    let uses = 0;
    for (const layer of await this.allLayerNames(projectId)) {
      uses += await this.gateway.read(layer, (doc) => readCodings(doc).filter((c) => c.codeId === codeId).length);
    }
    return uses;
  }

  /**
   * Owner-only: opens every collaborative document of the project, which validates each on load
   * (SPEC H9), and returns their names with the error of each one that could not be opened.
   */
  async checkProjectDocuments(actor: UserRecord, projectId: string): Promise<{ documentName: string; error: string | null }[]> {
    await this.authorize(actor, projectId, 'project-settings', 'write');
    const transcripts = (await this.store.listDocuments(projectId)).map((document) => documentNames.transcript(document.id));
    const names = [documentNames.codebook(projectId), ...transcripts, ...(await this.allLayerNames(projectId))];
    const checked: { documentName: string; error: string | null }[] = [];
    for (const documentName of names) {
      try {
        await this.gateway.read(documentName, () => undefined);
        checked.push({ documentName, error: null });
      } catch (error) {
        checked.push({ documentName, error: String(error) });
      }
    }
    return checked;
  }

  private async allLayerNames(projectId: string): Promise<string[]> {
    const members = await this.store.listMembers(projectId);
    const documents = await this.store.listDocuments(projectId);
    return documents.flatMap((document) => [
      ...members.map((member) => documentNames.layer(document.id, member.userId)),
      documentNames.consensus(document.id),
    ]);
  }

  private assertParent(codes: Code[], parentId: string | null, codeId: string | null) {
    if (parentId === null) return;
    const byId = new Map(codes.map((code) => [code.id, code]));
    if (!byId.has(parentId)) throw badRequest(`parentId: no code ${parentId} in this codebook`, 'unknown_parent');
    // Walk up from the new parent: meeting the code itself would make the hierarchy a cycle.
    for (let cursor: string | null = parentId; cursor !== null; cursor = byId.get(cursor)?.parentId ?? null) {
      if (cursor === codeId) throw badRequest('parentId: a code cannot be nested inside itself or its sub-codes', 'cycle');
    }
  }

  private assertUniqueName(codes: Code[], name: string, parentId: string | null, codeId: string | null) {
    const wanted = name.trim().toLowerCase();
    if (codes.some((code) => code.id !== codeId && code.parentId === parentId && code.name.toLowerCase() === wanted))
      throw conflict(`a code named "${name.trim()}" already exists at this level`, 'duplicate_code');
  }

  // ------------------------------------------------------------ documents

  async listDocuments(actor: UserRecord, projectId: string) {
    await this.authorize(actor, projectId, 'transcript', 'read');
    return this.store.listDocuments(projectId);
  }

  async createDocument(
    actor: UserRecord,
    projectId: string,
    input: { title: string; text: string; attributes?: Record<string, string> },
  ): Promise<DocumentRecord & { turns: number; length: number }> {
    await this.authorize(actor, projectId, 'transcript', 'write');
    const turns = parseTranscript(input.text);
    if (turns.length === 0) throw badRequest('text: the transcript has no text', 'empty_transcript');
    const length = turns.reduce((sum, turn) => sum + turn.text.length, 0) + turns.length - 1;
    if (length > this.config.limits.transcriptMaxChars)
      throw new HttpError(413, 'transcript_too_long', `text: transcripts hold at most ${this.config.limits.transcriptMaxChars} characters`);
    const document: DocumentRecord = {
      id: randomUUID(),
      projectId,
      title: input.title.trim(),
      attributes: input.attributes ?? {},
      createdAt: new Date().toISOString(),
    };
    await this.store.createDocument(document);
    await this.gateway.write(documentNames.transcript(document.id), (doc) => {
      doc.transact(() => {
        appendTurns(doc, turns);
        writeTranscriptMeta(doc, { title: document.title, attributes: document.attributes });
      });
    });
    return { ...document, turns: turns.length, length };
  }

  async getDocument(actor: UserRecord, projectId: string, documentId: string) {
    const { document } = await this.documentOf(actor, documentId, projectId);
    return this.gateway.read(documentNames.transcript(documentId), (doc) => {
      const index = new TranscriptIndex(doc);
      const turns: TurnView[] = readTurns(doc).map((turn, i) => ({
        index: i,
        speaker: turn.speaker,
        timestamp: turn.timestamp,
        start: index.turnStart(i),
        end: index.turnStart(i) + index.turnLength(i),
      }));
      return { ...document, text: index.text, turns };
    });
  }

  // ------------------------------------------------------------ codings

  /** Which layer documents a selector names, after checking the actor may read each. */
  private async readableLayers(actor: UserRecord, projectId: string, documentId: string, selector: LayerSelector) {
    const { project, role } = await this.membership(actor, projectId);
    const canRead = (resource: ResourceKind) => decide({ role, resource, operation: 'read', blind: project.blind });
    const layerOf = (userId: string) => ({
      layer: userId,
      coder: userId,
      name: documentNames.layer(documentId, userId),
    });
    const consensus = { layer: consensusLayer, coder: consensusLayer, name: documentNames.consensus(documentId) };
    if (selector === 'me') return [layerOf(actor.id)];
    if (selector === consensusLayer) {
      const decision = canRead('consensus');
      if (!decision.allowed) throw forbidden(decision.reason);
      return [consensus];
    }
    if (selector === 'all') {
      const members = await this.store.listMembers(projectId);
      const others = canRead('other-layer').allowed ? members.filter((m) => m.userId !== actor.id) : [];
      return [layerOf(actor.id), ...others.map((m) => layerOf(m.userId)), ...(canRead('consensus').allowed ? [consensus] : [])];
    }
    if (selector === actor.id) return [layerOf(actor.id)];
    const decision = canRead('other-layer');
    if (!decision.allowed) throw forbidden(decision.reason);
    if (!(await this.store.getRole(projectId, selector))) throw notFound(`user ${selector} is not a member of this project`);
    return [layerOf(selector)];
  }

  async listCodings(actor: UserRecord, projectId: string, documentId: string, selector: LayerSelector): Promise<CodingView[]> {
    await this.documentOf(actor, documentId, projectId);
    const layers = await this.readableLayers(actor, projectId, documentId, selector);
    return this.gateway.read(documentNames.transcript(documentId), async (transcript) => {
      const index = new TranscriptIndex(transcript);
      const views: CodingView[] = [];
      for (const layer of layers) {
        const codings = await this.gateway.read(layer.name, readCodings);
        for (const coding of codings) views.push(codingView(index, layer.layer, layer.coder, coding));
      }
      return views.sort((a, b) => a.start - b.start || a.end - b.end || a.id.localeCompare(b.id));
    });
  }

  private async writableLayer(actor: UserRecord, projectId: string, documentId: string, layer: 'me' | 'consensus') {
    await this.authorize(actor, projectId, layer === 'consensus' ? 'consensus' : 'own-layer', 'write');
    return layer === 'consensus'
      ? { layer: consensusLayer, coder: consensusLayer, name: documentNames.consensus(documentId) }
      : { layer: actor.id, coder: actor.id, name: documentNames.layer(documentId, actor.id) };
  }

  async createCoding(
    actor: UserRecord,
    projectId: string,
    documentId: string,
    input: { codeId: string; start: number; end: number; memo?: string; layer?: 'me' | 'consensus' },
  ): Promise<CodingView> {
    await this.documentOf(actor, documentId, projectId);
    const target = await this.writableLayer(actor, projectId, documentId, input.layer ?? 'me');
    const code = await this.gateway.read(documentNames.codebook(projectId), (doc) => getCode(doc, input.codeId));
    if (!code) throw badRequest(`codeId: no code ${input.codeId} in this project's codebook`, 'unknown_code');
    if (code.archived) throw badRequest(`codeId: code "${code.name}" is archived; restore it before applying it`, 'archived_code');
    return this.gateway.read(documentNames.transcript(documentId), async (transcript) => {
      const index = new TranscriptIndex(transcript);
      const { start, end, quote } = anchorsFor(index, input.start, input.end);
      const coding: StoredCoding = {
        id: randomUUID(),
        codeId: input.codeId,
        start,
        end,
        quote,
        lastStart: input.start,
        lastEnd: input.end,
        memo: input.memo ?? '',
        createdAt: new Date().toISOString(),
        createdBy: actor.id,
        orphaned: false,
      };
      await this.gateway.write(target.name, (doc) => {
        if (countCodings(doc) >= this.config.limits.codingsPerLayerMax)
          throw conflict(`a layer holds at most ${this.config.limits.codingsPerLayerMax} codings`, 'limit_reached');
        putCoding(doc, coding);
      });
      return codingView(index, target.layer, target.coder, coding);
    });
  }

  async updateCoding(
    actor: UserRecord,
    projectId: string,
    documentId: string,
    codingId: string,
    patch: { memo?: string; codeId?: string; start?: number; end?: number; layer?: 'me' | 'consensus' },
  ): Promise<CodingView> {
    await this.documentOf(actor, documentId, projectId);
    const target = await this.writableLayer(actor, projectId, documentId, patch.layer ?? 'me');
    if (patch.codeId !== undefined) {
      const code = await this.gateway.read(documentNames.codebook(projectId), (doc) => getCode(doc, patch.codeId as string));
      if (!code) throw badRequest(`codeId: no code ${patch.codeId} in this project's codebook`, 'unknown_code');
    }
    if ((patch.start === undefined) !== (patch.end === undefined))
      throw badRequest('start and end are changed together: send both to adjust the boundaries', 'partial_range');
    return this.gateway.read(documentNames.transcript(documentId), async (transcript) => {
      const index = new TranscriptIndex(transcript);
      // New boundaries are anchored like a new coding; the coding keeps its id, memo and author.
      let boundaries: CodingPatch = {};
      if (patch.start !== undefined && patch.end !== undefined) {
        const { start, end, quote } = anchorsFor(index, patch.start, patch.end);
        boundaries = { start, end, quote, lastStart: patch.start, lastEnd: patch.end, orphaned: false };
      }
      const updated = await this.gateway.write(target.name, (doc) => {
        if (!getCoding(doc, codingId)) throw notFound(`no coding ${codingId} in this layer`);
        patchCoding(doc, codingId, { memo: patch.memo, codeId: patch.codeId, ...boundaries });
        return getCoding(doc, codingId) as StoredCoding;
      });
      return codingView(index, target.layer, target.coder, updated);
    });
  }

  async deleteCoding(actor: UserRecord, projectId: string, documentId: string, codingId: string, layer: 'me' | 'consensus') {
    await this.documentOf(actor, documentId, projectId);
    const target = await this.writableLayer(actor, projectId, documentId, layer);
    const removed = await this.gateway.write(target.name, (doc) => removeCoding(doc, codingId));
    if (!removed) throw notFound(`no coding ${codingId} in this layer`);
  }
}

/** Anchors for a canonical range, refusing empty, out-of-range and character-splitting ranges (SPEC C4, V1). */
function anchorsFor(index: TranscriptIndex, startOffset: number, endOffset: number): { start: Uint8Array; end: Uint8Array; quote: string } {
  if (startOffset >= endOffset) throw badRequest(`start (${startOffset}) must be less than end (${endOffset})`, 'empty_range');
  if (endOffset > index.length) throw badRequest(`end (${endOffset}) is outside the text (length ${index.length})`, 'out_of_range');
  for (const [field, offset] of [['start', startOffset], ['end', endOffset]] as const)
    if (index.splitsSurrogatePair(offset))
      throw badRequest(`${field} (${offset}) splits a surrogate pair (an emoji or other astral character)`, 'splits_character');
  const start = index.encodeAnchor(startOffset, startAssoc);
  const end = index.encodeAnchor(endOffset, endAssoc);
  const quote = index.text.slice(startOffset, endOffset);
  if (!start || !end || quote.replace(/\n/g, '').length === 0)
    throw badRequest('the range covers no transcript text (only turn breaks)', 'empty_range');
  return { start, end, quote };
}

function codingView(index: TranscriptIndex, layer: string, coder: string, coding: StoredCoding): CodingView {
  const resolved = index.resolveAnchors(coding.start, coding.end);
  const ok = resolved.status === 'ok';
  const start = ok ? (resolved.start as number) : coding.lastStart;
  const end = ok ? (resolved.end as number) : coding.lastEnd;
  return {
    id: coding.id,
    layer,
    coder,
    codeId: coding.codeId,
    start,
    end,
    text: ok ? index.text.slice(start, end) : coding.quote,
    memo: coding.memo,
    createdAt: coding.createdAt,
    createdBy: coding.createdBy,
    status: resolved.status,
    orphaned: coding.orphaned,
  };
}

/** Distinct, readable code colours (also legible as highlight backgrounds). */
const palette = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000'];

// A valid scrypt hash of a random password, used to spend the same time on unknown emails.
const dummyHash = await hashPassword(newToken().token);
