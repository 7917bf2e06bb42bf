/**
 * The intercoder agreement report of a project (SPEC G1–G5): coders' layers turned into segments
 * through the one coding model, then the pure functions of shared/agreement.
 */
import { type AgreementReport, agreementReport, type ReportDocument } from '../../shared/agreement/report';
import type { SegmentCoding } from '../../shared/agreement/segments/matrices';
import type { AgreementQuery } from '../../shared/api/agreementQuery';
import { codingOffsets, isOnItsWords } from '../../shared/collab/codings';
import { documentNames } from '../../shared/collab/documentNames';
import { layerDocumentName } from '../../shared/collab/layers';
import { readCodes, readCodings } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { invalid } from '../errors';
import type { UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { ServiceContext } from './context';

export class AgreementService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
  ) {}

  /**
   * The report compares coders' layers, so only those who may read other coders' layers get it:
   * owners and adjudicators always, others only when blind mode is off.
   */
  async report(actor: UserRecord, projectId: string, query: AgreementQuery): Promise<AgreementReport> {
    await this.access.authorize(
      actor,
      projectId,
      'other-layer',
      'read',
      (reason) => `${reason}; agreement compares coders, so it is shown to owners and adjudicators until then`,
    );
    const { store, gateway } = this.context;
    const allDocuments = await store.listDocuments(projectId);
    const documents = query.documentIds ? allDocuments.filter((document) => query.documentIds?.includes(document.id)) : allDocuments;
    for (const id of query.documentIds ?? [])
      if (!allDocuments.some((document) => document.id === id)) throw invalid(`documents: no document ${id} in this project`, 'unknown_document');
    const members = await store.listMembers(projectId);
    for (const id of query.coderIds ?? [])
      if (!members.some((member) => member.userId === id)) throw invalid(`coders: user ${id} is not a member of this project`, 'unknown_coder');
    const candidates = query.coderIds ?? members.map((member) => member.userId);

    const reportDocuments: ReportDocument[] = [];
    const coded = new Set<string>();
    for (const document of documents) {
      const content = await gateway.read(documentNames.transcript(document.id), async (transcript) => {
        const index = new TranscriptIndex(transcript);
        const found: SegmentCoding[] = [];
        for (const coder of candidates) {
          for (const coding of await gateway.read(layerDocumentName(document.id, coder), readCodings)) {
            // Only codings whose words are still there count; orphaned, pending and invalid ones do not.
            const offsets = codingOffsets(index, coding);
            if (!isOnItsWords(offsets)) continue;
            found.push({ coder, codeId: coding.codeId, start: offsets.start, end: offsets.end });
            coded.add(coder);
          }
        }
        return {
          text: index.text,
          turns: Array.from({ length: index.turnCount }, (_, i) => ({ start: index.turnStart(i), end: index.turnStart(i) + index.turnLength(i) })),
          codings: found,
        };
      });
      reportDocuments.push({ id: document.id, title: document.title, attributes: document.attributes, ...content });
    }
    const coders = query.coderIds ?? candidates.filter((coder) => coded.has(coder));
    if (coders.length < 2) throw invalid('agreement needs codings from at least two coders in the selected documents', 'too_few_coders');
    if (reportDocuments.length === 0) throw invalid('the project has no documents to compare', 'no_documents');
    const codes = await gateway.read(documentNames.codebook(projectId), readCodes);
    return agreementReport(reportDocuments, {
      unit: query.unit,
      coders,
      coderNames: Object.fromEntries(members.map((member) => [member.userId, member.name || member.email])),
      codes,
      groupBy: query.groupBy,
      bootstrap: query.bootstrap,
    });
  }
}
