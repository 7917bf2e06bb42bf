/**
 * The intercoder agreement report of a project (SPEC G1–G5): coders' layers turned into segments
 * through the one coding model, then the pure functions of shared/agreement. A calibration round's
 * report (SPEC R3) is built the same way from the round's transcripts, coders and codes, on the
 * documents it froze when it closed (live ones while it is open).
 */
import * as Y from 'yjs';
import { type AgreementReport, agreementReport, type ReportCode, type ReportDocument } from '../../shared/agreement/report';
import type { SegmentCoding } from '../../shared/agreement/segments/matrices';
import type { UnitSpec } from '../../shared/agreement/segments/units';
import type { AgreementQuery } from '../../shared/api/agreementQuery';
import type { RoundUnit } from '../../shared/api/rounds';
import { codingOffsets, isOnItsWords } from '../../shared/collab/codings';
import { documentNames } from '../../shared/collab/documentNames';
import { layerDocumentName } from '../../shared/collab/layers';
import { type Code, readCodes, readCodings } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { forbidden, invalid, notFound } from '../errors';
import type { DocumentRecord, RoundRecord, UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { ServiceContext } from './context';

/** Reads one document by name for the report: the live document, or a round's frozen copy. */
type DocumentReader = <T>(documentName: string, read: (doc: Y.Doc) => T | Promise<T>) => Promise<T>;

/**
 * The coded-unit part of a continuum round's report uses speaker turns; the round's own number is
 * the unitized (k)uα per code, which needs no units.
 */
export const unitOfRound = (unit: RoundUnit): UnitSpec => (unit.kind === 'continuum' ? { kind: 'turn' } : unit);

export class AgreementService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
  ) {}

  /**
   * The report compares coders' layers, so only those who may read other coders' layers get it:
   * owners and adjudicators always, others only when blind mode is off; a round's report, others
   * only once the round is revealed (SPEC R3).
   */
  async report(actor: UserRecord, projectId: string, query: AgreementQuery): Promise<AgreementReport> {
    if (query.roundId !== undefined) return this.roundReport(actor, projectId, query.roundId, query);
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
    const live: DocumentReader = (name, read) => gateway.read(name, read);
    const { reportDocuments, coded } = await this.reportDocuments(documents, candidates, live);
    const coders = query.coderIds ?? candidates.filter((coder) => coded.has(coder));
    const codes = await gateway.read(documentNames.codebook(projectId), readCodes);
    return this.compute(projectId, reportDocuments, coders, codes, query);
  }

  private async roundReport(actor: UserRecord, projectId: string, roundId: string, query: AgreementQuery): Promise<AgreementReport> {
    const { role, mayReadLayer } = await this.access.membership(actor, projectId);
    const round = await this.context.store.getRound(roundId);
    if (!round || round.projectId !== projectId) throw notFound(`no round ${roundId} in this project`);
    if (role !== 'owner' && role !== 'adjudicator' && !round.revealed)
      throw forbidden("a round's agreement is shown to its coders once the owner reveals it", 'round_not_revealed');
    // The round's numbers are as readable as its layers: revealed, to its own coders even in blind mode.
    const colleague = round.coders.find((coder) => coder.userId !== actor.id)?.userId ?? actor.id;
    const decision = await mayReadLayer(round.documentIds[0], colleague);
    if (!decision.allowed) throw forbidden(`${decision.reason}; a revealed round's agreement is shown to the round's coders`);
    return this.computeRound(round, query);
  }

  /**
   * A round's report without authorization (callers have authorized): the round's transcripts,
   * coders and codes in scope, on its frozen documents once closed.
   */
  async computeRound(round: RoundRecord, options: Pick<AgreementQuery, 'groupBy' | 'bootstrap'>): Promise<AgreementReport> {
    const { store, gateway } = this.context;
    const byId = new Map((await store.listDocuments(round.projectId)).map((document) => [document.id, document]));
    const documents = round.documentIds.map((id) => byId.get(id)).filter((document): document is DocumentRecord => document !== undefined);
    const coders = round.coders.map((coder) => coder.userId);
    let reader: DocumentReader = (name, read) => gateway.read(name, read);
    if (round.closedAt !== null) {
      const frozen = new Map((await store.getFrozenStates(round.id)).map((entry) => [entry.documentName, entry.state]));
      reader = async (name, read) => {
        const doc = new Y.Doc({ gc: false });
        const state = frozen.get(name);
        if (state) Y.applyUpdate(doc, state);
        try {
          return await read(doc);
        } finally {
          doc.destroy();
        }
      };
    }
    const { reportDocuments } = await this.reportDocuments(documents, coders, reader);
    // Closed: the codebook as it was at close (names and scope do not move with later edits).
    const atClose = round.closedAt === null ? null : await store.getCodebookVersion(round.projectId, round.codebookVersionAtClose ?? -1);
    const codes: Code[] = atClose?.codes ?? (await gateway.read(documentNames.codebook(round.projectId), readCodes));
    const inScope = round.codeIds === null ? codes : codes.filter((code) => round.codeIds?.includes(code.id));
    return this.compute(round.projectId, reportDocuments, coders, inScope, { ...options, unit: unitOfRound(round.unit) });
  }

  private async reportDocuments(documents: DocumentRecord[], candidates: readonly string[], readDocument: DocumentReader) {
    const reportDocuments: ReportDocument[] = [];
    const coded = new Set<string>();
    for (const document of documents) {
      const content = await readDocument(documentNames.transcript(document.id), async (transcript) => {
        const index = new TranscriptIndex(transcript);
        const found: SegmentCoding[] = [];
        for (const coder of candidates) {
          for (const coding of await readDocument(layerDocumentName(document.id, coder), readCodings)) {
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
    return { reportDocuments, coded };
  }

  private async compute(
    projectId: string,
    reportDocuments: ReportDocument[],
    coders: string[],
    codes: ReportCode[],
    query: Pick<AgreementQuery, 'unit' | 'groupBy' | 'bootstrap'>,
  ): Promise<AgreementReport> {
    if (coders.length < 2) throw invalid('agreement needs codings from at least two coders in the selected documents', 'too_few_coders');
    if (reportDocuments.length === 0) throw invalid('the project has no documents to compare', 'no_documents');
    const members = await this.context.store.listMembers(projectId);
    const coderNames: Record<string, string> = Object.fromEntries(members.map((member) => [member.userId, member.name || member.email]));
    for (const coder of coders) {
      if (coderNames[coder]) continue;
      // A round's coder who left the project is still one of its coders.
      const user = await this.context.store.getUserById(coder);
      coderNames[coder] = user ? user.name || user.email : coder;
    }
    return agreementReport(reportDocuments, {
      unit: query.unit,
      coders,
      coderNames,
      codes,
      groupBy: query.groupBy,
      bootstrap: query.bootstrap,
    });
  }
}
