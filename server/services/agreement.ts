/**
 * The intercoder agreement report of a project (SPEC G1–G5): coders' layers turned into segments
 * through the one coding model, then the pure functions of shared/agreement. A calibration round's
 * report (SPEC R3) is built the same way from the round's transcripts, coders and codes, on the
 * documents it froze when it closed (live ones while it is open), headed by the round's own
 * statistic: (k)uα per code for a round on the codings' own boundaries (SPEC R4).
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import {
  type AgreementReport,
  type AgreementReportOptions,
  agreementReport,
  headlinePerCode,
  type ReportCode,
  type ReportDocument,
  type ReportHeadline,
} from '../../shared/agreement/report';
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
import { type DocumentReader, documentReaderFor } from './roundDocuments';

/**
 * The coded-unit part of a continuum round's report uses speaker turns; the round's own number is
 * the unitized (k)uα per code, which needs no units.
 */
export const unitOfRound = (unit: RoundUnit): UnitSpec => (unit.kind === 'continuum' ? { kind: 'turn' } : unit);

/** The statistic that heads a round's report: the unitized (k)uα per code for a round on the codings' own boundaries. */
export const headlineOfRound = (unit: RoundUnit): ReportHeadline => (unit.kind === 'continuum' ? 'unitized' : 'coded');

/** What a round's report is computed from, besides its options. */
interface RoundInputs {
  documents: ReportDocument[];
  coders: string[];
  codes: ReportCode[];
}

function refuseNothingToCompare(documents: readonly ReportDocument[], coders: readonly string[]): void {
  if (coders.length < 2) throw invalid('agreement needs codings from at least two coders in the selected documents', 'too_few_coders');
  if (documents.length === 0) throw invalid('the project has no documents to compare', 'no_documents');
}

/** One document's state as a Yjs snapshot (state vector and delete set): it changes with every insertion and deletion. */
const snapshotOf = (doc: Y.Doc): Uint8Array => Y.encodeSnapshot(Y.snapshot(doc));

export class AgreementService {
  /**
   * Per round, the per-code numbers of its report with the state they were computed on: the
   * navigator asks for them on every listing, and a round's documents rarely change meanwhile.
   */
  private readonly roundCodeAgreements = new Map<string, { state: string; values: Record<string, number | null> }>();

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
   * coders and codes in scope, on its frozen documents once closed, headed by the round's own
   * statistic and saying the round's unit.
   */
  async computeRound(round: RoundRecord, options: Pick<AgreementQuery, 'groupBy' | 'bootstrap'>): Promise<AgreementReport> {
    const inputs = await this.roundInputs(round);
    refuseNothingToCompare(inputs.documents, inputs.coders);
    const coderNames = await this.coderNames(round.projectId, inputs.coders);
    return agreementReport(inputs.documents, {
      ...this.roundOptions(round, inputs, coderNames),
      groupBy: options.groupBy,
      bootstrap: options.bootstrap,
    });
  }

  /**
   * The per-code number of a round's report by code id, as its `byCode` gives it ((k)uα for a
   * continuum round, alpha over the round's units otherwise), without the rest of the report;
   * refused like the report when it cannot be computed. Callers have authorized. Kept per round
   * until the state of what it is computed from changes (see `roundState`).
   */
  async roundCodeAgreement(round: RoundRecord): Promise<Record<string, number | null>> {
    const state = await this.roundState(round);
    const cached = this.roundCodeAgreements.get(round.id);
    if (cached?.state === state) return cached.values;
    const inputs = await this.roundInputs(round);
    refuseNothingToCompare(inputs.documents, inputs.coders);
    const values = headlinePerCode(inputs.documents, this.roundOptions(round, inputs, await this.coderNames(round.projectId, inputs.coders)));
    this.roundCodeAgreements.set(round.id, { state, values });
    return values;
  }

  private roundOptions(round: RoundRecord, inputs: RoundInputs, coderNames: Record<string, string>) {
    return {
      unit: unitOfRound(round.unit),
      headline: headlineOfRound(round.unit),
      roundUnit: round.unit,
      coders: inputs.coders,
      coderNames,
      codes: inputs.codes,
    } satisfies AgreementReportOptions;
  }

  /** The round's transcripts that still exist, in the round's order. */
  private async roundDocuments(round: RoundRecord): Promise<DocumentRecord[]> {
    const byId = new Map((await this.context.store.listDocuments(round.projectId)).map((document) => [document.id, document]));
    return round.documentIds.map((id) => byId.get(id)).filter((document): document is DocumentRecord => document !== undefined);
  }

  private async roundInputs(round: RoundRecord): Promise<RoundInputs> {
    const { store, gateway } = this.context;
    const coders = round.coders.map((coder) => coder.userId);
    const { reportDocuments } = await this.reportDocuments(await this.roundDocuments(round), coders, await documentReaderFor(this.context, round));
    // Closed: the codebook as it was at close (names and scope do not move with later edits).
    const atClose = round.closedAt === null ? null : await store.getCodebookVersion(round.projectId, round.codebookVersionAtClose ?? -1);
    const codes: Code[] = atClose?.codes ?? (await gateway.read(documentNames.codebook(round.projectId), readCodes));
    const inScope = round.codeIds === null ? codes : codes.filter((code) => round.codeIds?.includes(code.id));
    return { documents: reportDocuments, coders, codes: inScope };
  }

  /**
   * Everything a round's per-code numbers depend on, as one digest: the round itself, which of its
   * transcripts exist, its coders' names, and the documents read — none more once it closed (its
   * frozen states and codebook never change), otherwise the snapshot of every round transcript,
   * round coder's layer of it and the codebook.
   */
  private async roundState(round: RoundRecord): Promise<string> {
    const { gateway } = this.context;
    const documents = await this.roundDocuments(round);
    const coders = round.coders.map((coder) => coder.userId);
    const hash = createHash('sha256');
    hash.update(JSON.stringify([round.id, round.unit, round.codeIds, coders, round.closedAt, round.codebookVersionAtClose, documents.map((document) => document.id)]));
    const names = await this.coderNames(round.projectId, coders);
    hash.update(JSON.stringify(coders.map((coder) => names[coder])));
    if (round.closedAt !== null) return hash.digest('hex');
    const add = (bytes: Uint8Array) => hash.update(`${bytes.length}:`).update(bytes);
    for (const document of documents) {
      add(await gateway.read(documentNames.transcript(document.id), snapshotOf));
      for (const coder of coders) add(await gateway.read(layerDocumentName(document.id, coder), snapshotOf));
    }
    add(await gateway.read(documentNames.codebook(round.projectId), snapshotOf));
    return hash.digest('hex');
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
    refuseNothingToCompare(reportDocuments, coders);
    const coderNames = await this.coderNames(projectId, coders);
    return agreementReport(reportDocuments, {
      unit: query.unit,
      coders,
      coderNames,
      codes,
      groupBy: query.groupBy,
      bootstrap: query.bootstrap,
    });
  }

  /** The coders' names, as the report labels them. */
  private async coderNames(projectId: string, coders: readonly string[]): Promise<Record<string, string>> {
    const members = await this.context.store.listMembers(projectId);
    const coderNames: Record<string, string> = Object.fromEntries(members.map((member) => [member.userId, member.name || member.email]));
    for (const coder of coders) {
      if (coderNames[coder]) continue;
      // A round's coder who left the project is still one of its coders.
      const user = await this.context.store.getUserById(coder);
      coderNames[coder] = user ? user.name || user.email : coder;
    }
    return coderNames;
  }
}
