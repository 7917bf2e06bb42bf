/** The project's codebook: codes with hierarchy, definitions and colours; merging keeps every coding. */
import { randomUUID } from 'node:crypto';
import { codeUsage } from '../../shared/collab/codings';
import { documentNames } from '../../shared/collab/documentNames';
import { codeColourAt } from '../../shared/collab/palette';
import { type Code, type CodeFields, getCode, patchCode, patchCoding, putCode, readCodes, readCodings, removeCode } from '../../shared/collab/schema';
import { conflict, invalid, notFound } from '../errors';
import type { UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { CodebookHistoryService } from './codebookHistory';
import type { ServiceContext } from './context';
import { projectLayers } from './documents';

export class CodebookService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
    /** Every write below ends by recording a codebook version with its author (SPEC R4). */
    private readonly history: CodebookHistoryService,
  ) {}

  private readCodes(projectId: string): Promise<Code[]> {
    return this.context.gateway.read(documentNames.codebook(projectId), readCodes);
  }

  async list(actor: UserRecord, projectId: string): Promise<Code[]> {
    await this.access.authorize(actor, projectId, 'codebook', 'read');
    return this.readCodes(projectId);
  }

  /** Another service wrote the codebook (an import's merge): record the version with its author. */
  async written(projectId: string, actor: UserRecord): Promise<void> {
    await this.history.recordWrite(projectId, actor.id);
  }

  /** One code, for other services' checks (no authorization: callers have authorized). */
  code(projectId: string, codeId: string): Promise<Code | null> {
    return this.context.gateway.read(documentNames.codebook(projectId), (doc) => getCode(doc, codeId));
  }

  async create(actor: UserRecord, projectId: string, input: Partial<CodeFields> & { name: string }): Promise<Code> {
    await this.access.authorize(actor, projectId, 'codebook', 'write');
    const { codesPerProjectMax } = this.context.config.limits;
    const created = await this.context.gateway.write(documentNames.codebook(projectId), (doc) => {
      const codes = readCodes(doc);
      if (codes.length >= codesPerProjectMax) throw conflict(`a codebook holds at most ${codesPerProjectMax} codes`, 'limit_reached');
      const parentId = input.parentId ?? null;
      assertParent(codes, parentId, null);
      assertUniqueName(codes, input.name, parentId, null);
      const siblings = codes.filter((code) => code.parentId === parentId);
      const code: Code = {
        id: randomUUID(),
        name: input.name.trim(),
        parentId,
        order: input.order ?? (siblings.length === 0 ? 0 : Math.max(...siblings.map((s) => s.order)) + 1),
        color: input.color ?? codeColourAt(codes.length),
        definition: input.definition ?? '',
        inclusion: input.inclusion ?? '',
        exclusion: input.exclusion ?? '',
        example: input.example ?? '',
        archived: input.archived ?? false,
      };
      putCode(doc, code);
      return code;
    });
    await this.history.recordWrite(projectId, actor.id);
    return created;
  }

  async update(actor: UserRecord, projectId: string, codeId: string, patch: Partial<CodeFields>): Promise<Code> {
    await this.access.authorize(actor, projectId, 'codebook', 'write');
    const updated = await this.context.gateway.write(documentNames.codebook(projectId), (doc) => {
      const codes = readCodes(doc);
      const current = codes.find((code) => code.id === codeId);
      if (!current) throw notFound(`no code ${codeId} in this codebook`);
      const parentId = patch.parentId === undefined ? current.parentId : patch.parentId;
      assertParent(codes, parentId, codeId);
      if (patch.name !== undefined || patch.parentId !== undefined) assertUniqueName(codes, patch.name ?? current.name, parentId, codeId);
      patchCode(doc, codeId, { ...patch, name: patch.name?.trim() });
      return getCode(doc, codeId) as Code;
    });
    await this.history.recordWrite(projectId, actor.id);
    return updated;
  }

  async remove(actor: UserRecord, projectId: string, codeId: string): Promise<void> {
    await this.access.authorize(actor, projectId, 'codebook', 'write');
    const codes = await this.readCodes(projectId);
    if (!codes.some((code) => code.id === codeId)) throw notFound(`no code ${codeId} in this codebook`);
    if (codes.some((code) => code.parentId === codeId)) throw conflict('this code has sub-codes; move or delete them first', 'code_has_children');
    const uses = (await this.usage(projectId)).get(codeId) ?? 0;
    if (uses > 0) throw conflict(`this code is applied in ${uses} coding(s); archive it instead, so no coding is lost`, 'code_in_use');
    await this.context.gateway.write(documentNames.codebook(projectId), (doc) => removeCode(doc, codeId));
    await this.history.recordWrite(projectId, actor.id);
  }

  /**
   * Merges one code into another: every coding in every layer (coders' and consensus) moves to the
   * target, sub-codes move under it, and only then is the source removed, so nothing is lost.
   */
  async merge(actor: UserRecord, projectId: string, codeId: string, intoCodeId: string): Promise<{ moved: number }> {
    await this.access.authorize(actor, projectId, 'codebook', 'write');
    if (codeId === intoCodeId) throw invalid('intoCodeId: a code cannot be merged into itself', 'merge_into_self');
    const codes = await this.readCodes(projectId);
    if (!codes.some((code) => code.id === codeId)) throw notFound(`no code ${codeId} in this codebook`);
    if (!codes.some((code) => code.id === intoCodeId)) throw invalid(`intoCodeId: no code ${intoCodeId} in this codebook`, 'unknown_code');
    assertParent(codes, intoCodeId, codeId);
    let moved = 0;
    for (const layer of await projectLayers(this.context, projectId)) {
      moved += await this.context.gateway.write(layer.name, (doc) => {
        const affected = readCodings(doc).filter((coding) => coding.codeId === codeId);
        doc.transact(() => {
          for (const coding of affected) patchCoding(doc, coding.id, { codeId: intoCodeId });
        });
        return affected.length;
      });
    }
    await this.context.gateway.write(documentNames.codebook(projectId), (doc) => {
      doc.transact(() => {
        for (const child of readCodes(doc).filter((code) => code.parentId === codeId)) patchCode(doc, child.id, { parentId: intoCodeId });
        removeCode(doc, codeId);
      });
    });
    await this.history.recordWrite(projectId, actor.id);
    return { moved };
  }

  /** Codings per code id across every layer of the project. */
  private async usage(projectId: string): Promise<Map<string, number>> {
    const usage = new Map<string, number>();
    for (const layer of await projectLayers(this.context, projectId)) await this.context.gateway.read(layer.name, (doc) => codeUsage(readCodings(doc), usage));
    return usage;
  }
}

function assertParent(codes: Code[], parentId: string | null, codeId: string | null) {
  if (parentId === null) return;
  const byId = new Map(codes.map((code) => [code.id, code]));
  if (!byId.has(parentId)) throw invalid(`parentId: no code ${parentId} in this codebook`, 'unknown_parent');
  // Walk up from the new parent: meeting the code itself would make the hierarchy a cycle.
  for (let cursor: string | null = parentId; cursor !== null; cursor = byId.get(cursor)?.parentId ?? null) {
    if (cursor === codeId) throw invalid('parentId: a code cannot be nested inside itself or its sub-codes', 'cycle');
  }
}

function assertUniqueName(codes: Code[], name: string, parentId: string | null, codeId: string | null) {
  const wanted = name.trim().toLowerCase();
  if (codes.some((code) => code.id !== codeId && code.parentId === parentId && code.name.toLowerCase() === wanted))
    throw conflict(`a code named "${name.trim()}" already exists at this level`, 'duplicate_code');
}
