/**
 * Codings in layers, through the one coding model (shared/collab/codings.ts, SPEC K1–K5): the
 * caller's own layer, the consensus layer, and — where the decision allows (blind mode, SPEC A3) —
 * other coders' layers.
 */
import { randomUUID } from 'node:crypto';
import type { CodingView, ProgressRow } from '../../shared/api/responses';
import type { Decision } from '../../shared/authz';
import { anchorRange, type CodingAnchors, codingOffsets, newCoding, reanchorPatch } from '../../shared/collab/codings';
import { documentNames } from '../../shared/collab/documentNames';
import { consensusLayerId, type LayerSelector, layerDocumentName, layerIdFor, type WritableLayer } from '../../shared/collab/layers';
import { countCodings, getCoding, type StoredCoding, patchCoding, putCoding, readCodings, removeCoding } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { conflict, forbidden, invalid, notFound } from '../errors';
import type { UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { CodebookService } from './codebook';
import type { ServiceContext } from './context';

interface LayerTarget {
  layerId: string;
  name: string;
}

/** A stored coding as the API shows it: where its words are now (SPEC C2, K5). */
export function codingView(index: TranscriptIndex, layerId: string, coding: StoredCoding): CodingView {
  const offsets = codingOffsets(index, coding);
  return {
    id: coding.id,
    layer: layerId,
    coder: layerId,
    codeId: coding.codeId,
    start: offsets.start,
    end: offsets.end,
    text: offsets.text,
    memo: coding.memo,
    createdAt: coding.createdAt,
    createdBy: coding.createdBy,
    status: offsets.status,
    orphaned: coding.orphaned,
  };
}

/** Anchors a range or refuses it with the rule's own code (SPEC K1). */
function anchorsOrRefuse(index: TranscriptIndex, start: number, end: number): CodingAnchors {
  const anchored = anchorRange(index, start, end);
  if ('refusal' in anchored) throw invalid(anchored.refusal.message, anchored.refusal.code);
  return anchored.anchors;
}

export class CodingService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
    private readonly codebook: CodebookService,
  ) {}

  private get gateway() {
    return this.context.gateway;
  }

  /** Which layer documents a selector names, after checking the actor may read each. */
  private async readableLayers(actor: UserRecord, projectId: string, documentId: string, selector: LayerSelector): Promise<LayerTarget[]> {
    const { may, mayReadLayer } = await this.access.membership(actor, projectId);
    const layer = (layerId: string) => ({ layerId, name: layerDocumentName(documentId, layerId) });
    const refuseUnless = (decision: Decision) => {
      if (!decision.allowed) throw forbidden(decision.reason);
    };
    if (selector === 'me' || selector === actor.id) return [layer(actor.id)];
    if (selector === consensusLayerId) {
      refuseUnless(may('consensus', 'read'));
      return [layer(consensusLayerId)];
    }
    if (selector === 'all') {
      const others: LayerTarget[] = [];
      for (const member of await this.context.store.listMembers(projectId))
        if (member.userId !== actor.id && (await mayReadLayer(documentId, member.userId)).allowed) others.push(layer(member.userId));
      const consensus = may('consensus', 'read').allowed ? [layer(consensusLayerId)] : [];
      return [layer(actor.id), ...others, ...consensus];
    }
    refuseUnless(await mayReadLayer(documentId, selector));
    // A former member's layer stays readable: their codings are the project's data (SPEC A9).
    const known = (await this.context.store.getRole(projectId, selector)) || (await this.context.store.getUserById(selector));
    if (!known) throw notFound(`user ${selector} is not a member of this project`);
    return [layer(selector)];
  }

  private async writableLayer(actor: UserRecord, projectId: string, documentId: string, layer: WritableLayer): Promise<LayerTarget> {
    await this.access.document(actor, projectId, documentId);
    await this.access.authorize(actor, projectId, layer === consensusLayerId ? 'consensus' : 'own-layer', 'write');
    const layerId = layerIdFor(layer, actor.id);
    return { layerId, name: layerDocumentName(documentId, layerId) };
  }

  private withTranscript<T>(documentId: string, read: (index: TranscriptIndex) => Promise<T>): Promise<T> {
    return this.gateway.read(documentNames.transcript(documentId), (transcript) => read(new TranscriptIndex(transcript)));
  }

  async list(actor: UserRecord, projectId: string, documentId: string, selector: LayerSelector): Promise<CodingView[]> {
    await this.access.document(actor, projectId, documentId);
    const layers = await this.readableLayers(actor, projectId, documentId, selector);
    return this.withTranscript(documentId, async (index) => {
      const views: CodingView[] = [];
      for (const layer of layers) for (const coding of await this.gateway.read(layer.name, readCodings)) views.push(codingView(index, layer.layerId, coding));
      return views.sort((a, b) => a.start - b.start || a.end - b.end || a.id.localeCompare(b.id));
    });
  }

  async create(
    actor: UserRecord,
    projectId: string,
    documentId: string,
    input: { codeId: string; start: number; end: number; memo?: string; layer?: WritableLayer },
  ): Promise<CodingView> {
    const target = await this.writableLayer(actor, projectId, documentId, input.layer ?? 'me');
    const code = await this.codebook.code(projectId, input.codeId);
    if (!code) throw invalid(`codeId: no code ${input.codeId} in this project's codebook`, 'unknown_code');
    if (code.archived) throw invalid(`codeId: code "${code.name}" is archived; restore it before applying it`, 'archived_code');
    const { codingsPerLayerMax } = this.context.config.limits;
    return this.withTranscript(documentId, async (index) => {
      const anchors = anchorsOrRefuse(index, input.start, input.end);
      const coding = newCoding({
        id: randomUUID(),
        codeId: input.codeId,
        anchors,
        start: input.start,
        end: input.end,
        memo: input.memo ?? '',
        createdBy: actor.id,
      });
      await this.gateway.write(target.name, (doc) => {
        if (countCodings(doc) >= codingsPerLayerMax) throw conflict(`a layer holds at most ${codingsPerLayerMax} codings`, 'limit_reached');
        putCoding(doc, coding);
      });
      return codingView(index, target.layerId, coding);
    });
  }

  /** Changes the memo, the code or the boundaries; new boundaries are anchored like a new coding. */
  async update(
    actor: UserRecord,
    projectId: string,
    documentId: string,
    codingId: string,
    patch: { memo?: string; codeId?: string; start?: number; end?: number; layer?: WritableLayer },
  ): Promise<CodingView> {
    const target = await this.writableLayer(actor, projectId, documentId, patch.layer ?? 'me');
    if (patch.codeId !== undefined && !(await this.codebook.code(projectId, patch.codeId)))
      throw invalid(`codeId: no code ${patch.codeId} in this project's codebook`, 'unknown_code');
    if ((patch.start === undefined) !== (patch.end === undefined))
      throw invalid('start and end are changed together: send both to adjust the boundaries', 'partial_range');
    return this.withTranscript(documentId, async (index) => {
      const boundaries =
        patch.start !== undefined && patch.end !== undefined ? reanchorPatch(anchorsOrRefuse(index, patch.start, patch.end), patch.start, patch.end) : {};
      const updated = await this.gateway.write(target.name, (doc) => {
        if (!getCoding(doc, codingId)) throw notFound(`no coding ${codingId} in this layer`);
        patchCoding(doc, codingId, { memo: patch.memo, codeId: patch.codeId, ...boundaries });
        return getCoding(doc, codingId) as StoredCoding;
      });
      return codingView(index, target.layerId, updated);
    });
  }

  async remove(actor: UserRecord, projectId: string, documentId: string, codingId: string, layer: WritableLayer): Promise<void> {
    const target = await this.writableLayer(actor, projectId, documentId, layer);
    const removed = await this.gateway.write(target.name, (doc) => removeCoding(doc, codingId));
    if (!removed) throw notFound(`no coding ${codingId} in this layer`);
  }

  /**
   * Codings per document and layer: the progress table of the project home (counts, never
   * content). In blind mode a coder or viewer gets their own counts only: others' counts, and how
   * they change, would tell who codes what and when (SPEC A3).
   */
  async progress(actor: UserRecord, projectId: string): Promise<ProgressRow[]> {
    const { may } = await this.access.authorize(actor, projectId, 'transcript', 'read');
    const members = await this.context.store.listMembers(projectId);
    const coders = may('other-layer', 'read').allowed ? members.map((member) => member.userId) : [actor.id];
    const layerIds = may('consensus', 'read').allowed ? [...coders, consensusLayerId] : coders;
    const rows: ProgressRow[] = [];
    for (const document of await this.context.store.listDocuments(projectId)) {
      for (const coderId of layerIds) {
        rows.push({ documentId: document.id, coderId, codings: await this.gateway.read(layerDocumentName(document.id, coderId), countCodings) });
      }
    }
    return rows;
  }
}
