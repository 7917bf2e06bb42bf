/**
 * Transcripts. The relational record (title, participant attributes) is the one that counts: lists,
 * the agreement report and exports read it. The transcript's Y.Doc keeps a copy in its `meta` map,
 * written once at creation, so a document exported or inspected on its own still says what it is.
 *
 * Deleting a transcript (a participant withdrew consent, SPEC E1) erases it for real: the
 * transcript document, every coder's layer of it and its consensus layer with the decisions, the
 * copies closed rounds froze of them, and its record.
 */
import { randomUUID } from 'node:crypto';
import type { CreatedDocument, DocumentDetail, DocumentSummary } from '../../shared/api/responses';
import { documentNames } from '../../shared/collab/documentNames';
import { consensusLayerId, layerDocumentName } from '../../shared/collab/layers';
import { appendTurns, readTurns, writeTranscriptMeta } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { parseTranscript } from '../../shared/transcripts/parseTranscript';
import { forbidden, invalid, tooLarge } from '../errors';
import type { DocumentRecord, UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { ServiceContext } from './context';

/** One coding layer of one transcript: a member's, or the consensus. */
export interface LayerDocument {
  documentId: string;
  layerId: string;
  name: string;
}

/** Every coding layer of a project: each member's and the consensus layer, for every transcript. */
export async function projectLayers(context: Pick<ServiceContext, 'store'>, projectId: string): Promise<LayerDocument[]> {
  const members = await context.store.listMembers(projectId);
  const layerIds = [...members.map((member) => member.userId), consensusLayerId];
  return (await context.store.listDocuments(projectId)).flatMap((document) =>
    layerIds.map((layerId) => ({ documentId: document.id, layerId, name: layerDocumentName(document.id, layerId) })),
  );
}

export class DocumentService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
  ) {}

  async list(actor: UserRecord, projectId: string): Promise<DocumentSummary[]> {
    await this.access.authorize(actor, projectId, 'transcript', 'read');
    return this.context.store.listDocuments(projectId);
  }

  async create(
    actor: UserRecord,
    projectId: string,
    input: { title: string; text: string; attributes?: Record<string, string> },
  ): Promise<CreatedDocument> {
    await this.access.authorize(actor, projectId, 'transcript', 'write');
    const turns = parseTranscript(input.text);
    if (turns.length === 0) throw invalid('text: the transcript has no text', 'empty_transcript');
    const length = turns.reduce((sum, turn) => sum + turn.text.length, 0) + turns.length - 1;
    const { transcriptMaxChars } = this.context.config.limits;
    if (length > transcriptMaxChars) throw tooLarge(`text: transcripts hold at most ${transcriptMaxChars} characters`, 'transcript_too_long');
    const document: DocumentRecord = {
      id: randomUUID(),
      projectId,
      title: input.title.trim(),
      attributes: input.attributes ?? {},
      createdAt: new Date().toISOString(),
    };
    await this.context.store.createDocument(document);
    await this.context.gateway.write(documentNames.transcript(document.id), (doc) => {
      doc.transact(() => {
        appendTurns(doc, turns);
        writeTranscriptMeta(doc, { title: document.title, attributes: document.attributes });
      });
    });
    return { ...document, turns: turns.length, length };
  }

  /**
   * Erases the transcript with everything of it (owners only). Its documents go first, then the
   * record: if the erase fails the record is still there, so the deletion can be asked again, and
   * nothing can open the documents meanwhile. Rounds that named it keep their other transcripts
   * and count it as deleted.
   */
  async delete(actor: UserRecord, projectId: string, documentId: string): Promise<void> {
    const { may } = await this.access.document(actor, projectId, documentId);
    const decision = may('transcript', 'delete');
    if (!decision.allowed) throw forbidden(decision.reason);
    await this.context.eraseDocuments({ documentIds: [documentId], projectIds: [] });
    await this.context.store.deleteDocument(documentId);
  }

  async get(actor: UserRecord, projectId: string, documentId: string): Promise<DocumentDetail> {
    const { document } = await this.access.document(actor, projectId, documentId);
    return this.context.gateway.read(documentNames.transcript(documentId), (doc) => {
      const index = new TranscriptIndex(doc);
      const turns = readTurns(doc).map((turn, i) => ({
        index: i,
        speaker: turn.speaker,
        timestamp: turn.timestamp,
        start: index.turnStart(i),
        end: index.turnStart(i) + index.turnLength(i),
      }));
      return { ...document, text: index.text, turns };
    });
  }
}
