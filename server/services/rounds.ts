/**
 * Calibration rounds (SPEC R1–R4): an owner names transcripts, coders, codes and a unit; coders
 * code blind and mark the round submitted for themselves; closing freezes each coder's layer and
 * the transcript of every round transcript (full encoded Yjs states: live documents are garbage
 * collected, so a snapshot of them could not be read back), so the round's numbers never change
 * afterwards; a reveal lets the round's coders read each other's layers of those transcripts.
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import type { AgreementReport } from '../../shared/agreement/report';
import type { AgreementQuery } from '../../shared/api/agreementQuery';
import type { CreateRoundBody } from '../../shared/api/requests';
import { defaultTargetAlpha, diffCodebooks, type RoundHistory, type RoundHistoryPoint, type RoundView } from '../../shared/api/rounds';
import type { ProjectRole } from '../../shared/authz';
import { documentNames } from '../../shared/collab/documentNames';
import { layerDocumentName } from '../../shared/collab/layers';
import { type Code, readCodes } from '../../shared/collab/schema';
import { conflict, DomainError, forbidden, invalid, notFound } from '../errors';
import type { FrozenDocumentState, RoundRecord, UserRecord } from '../storage/types';
import type { AccessService, Membership } from './access';
import type { AgreementService } from './agreement';
import type { CodebookHistoryService } from './codebookHistory';
import type { ServiceContext } from './context';

const seesAllRounds = (role: ProjectRole) => role === 'owner' || role === 'adjudicator';

/** Roles that code, so may be a round's coders (viewers cannot code, SPEC A2). */
const codingRoles: readonly ProjectRole[] = ['owner', 'adjudicator', 'coder'];

/** The history's intervals unless the caller asks for other draws (SPEC G4: seeded, so reproducible). */
const historyBootstrap = { draws: 1_000, seed: 1 };

export class RoundService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
    private readonly codebookHistory: CodebookHistoryService,
    private readonly agreement: AgreementService,
  ) {}

  private get store() {
    return this.context.store;
  }

  /** The round as this member may see it: others' submissions only for owners and adjudicators (SPEC R2). */
  private view(round: RoundRecord, actor: UserRecord, role: ProjectRole): RoundView {
    const mine = round.coders.find((coder) => coder.userId === actor.id);
    return {
      id: round.id,
      projectId: round.projectId,
      name: round.name,
      createdAt: round.createdAt,
      createdBy: round.createdBy,
      documentIds: round.documentIds,
      coderIds: round.coders.map((coder) => coder.userId),
      codeIds: round.codeIds,
      unit: round.unit,
      targetAlpha: round.targetAlpha,
      status: round.closedAt === null ? 'open' : 'closed',
      closedAt: round.closedAt,
      revealed: round.revealed,
      codebookVersionAtCreation: round.codebookVersionAtCreation,
      codebookVersionAtClose: round.codebookVersionAtClose,
      submitted: round.coders.filter((coder) => coder.submittedAt !== null).length,
      submittedByMe: mine ? mine.submittedAt !== null : null,
      deletedTranscripts: round.deletedDocuments,
      ...(seesAllRounds(role) ? { submissions: round.coders.map(({ userId, submittedAt }) => ({ userId, submittedAt })) } : {}),
    };
  }

  /** A round of the project this member may see: owners and adjudicators every round, others those they code in. */
  private async visibleRound(actor: UserRecord, projectId: string, roundId: string): Promise<{ round: RoundRecord } & Membership> {
    const membership = await this.access.membership(actor, projectId);
    const round = await this.store.getRound(roundId);
    const visible = round?.projectId === projectId && (seesAllRounds(membership.role) || round.coders.some((coder) => coder.userId === actor.id));
    if (!round || !visible) throw notFound(`no round ${roundId} in this project`);
    return { round, ...membership };
  }

  async create(actor: UserRecord, projectId: string, input: CreateRoundBody): Promise<RoundView> {
    const { role } = await this.access.authorize(actor, projectId, 'project-settings', 'write', () => 'only project owners create calibration rounds');
    const duplicate = (ids: string[]) => ids.find((id, index) => ids.indexOf(id) !== index);
    const repeatedDocument = duplicate(input.documentIds);
    if (repeatedDocument) throw invalid(`documentIds: transcript ${repeatedDocument} is named twice`, 'duplicate_document');
    const repeatedCoder = duplicate(input.coderIds);
    if (repeatedCoder) throw invalid(`coderIds: coder ${repeatedCoder} is named twice`, 'duplicate_coder');
    const documents = new Set((await this.store.listDocuments(projectId)).map((document) => document.id));
    for (const id of input.documentIds) if (!documents.has(id)) throw invalid(`documentIds: no transcript ${id} in this project`, 'unknown_document');
    const roles = new Map((await this.store.listMembers(projectId)).map((member) => [member.userId, member.role]));
    for (const id of input.coderIds) {
      const coderRole = roles.get(id);
      if (!coderRole) throw invalid(`coderIds: user ${id} is not a member of this project`, 'unknown_coder');
      if (!codingRoles.includes(coderRole)) throw invalid(`coderIds: ${id} is a viewer, and viewers do not code`, 'not_a_coder');
    }
    if (input.codeIds) {
      const codes = new Set((await this.context.gateway.read(documentNames.codebook(projectId), readCodes)).map((code) => code.id));
      const repeatedCode = duplicate(input.codeIds);
      if (repeatedCode) throw invalid(`codeIds: code ${repeatedCode} is named twice`, 'duplicate_code');
      for (const id of input.codeIds) if (!codes.has(id)) throw invalid(`codeIds: no code ${id} in this project's codebook`, 'unknown_code');
    }
    const round: RoundRecord = {
      id: randomUUID(),
      projectId,
      name: input.name.trim(),
      createdAt: new Date().toISOString(),
      createdBy: actor.id,
      documentIds: input.documentIds,
      coders: input.coderIds.map((userId) => ({ userId, submittedAt: null })),
      codeIds: input.codeIds ?? null,
      unit: input.unit ?? { kind: 'turn' },
      targetAlpha: input.targetAlpha ?? defaultTargetAlpha,
      codebookVersionAtCreation: await this.codebookHistory.current(projectId),
      codebookVersionAtClose: null,
      closedAt: null,
      closedBy: null,
      revealed: false,
      deletedDocuments: 0,
    };
    await this.store.createRound(round);
    return this.view(round, actor, role);
  }

  async list(actor: UserRecord, projectId: string): Promise<RoundView[]> {
    const { role } = await this.access.membership(actor, projectId);
    const rounds = await this.store.listRounds(projectId);
    return rounds
      .filter((round) => seesAllRounds(role) || round.coders.some((coder) => coder.userId === actor.id))
      .map((round) => this.view(round, actor, role));
  }

  async get(actor: UserRecord, projectId: string, roundId: string): Promise<RoundView> {
    const { round, role } = await this.visibleRound(actor, projectId, roundId);
    return this.view(round, actor, role);
  }

  /** A coder marks the round submitted (or takes it back while it is open), for themselves only. */
  async submit(actor: UserRecord, projectId: string, roundId: string, input: { submitted?: boolean; coderId?: string }): Promise<RoundView> {
    const { round, role } = await this.visibleRound(actor, projectId, roundId);
    if (input.coderId !== undefined && input.coderId !== actor.id)
      throw forbidden('coders submit a round for themselves only', 'own_submission_only');
    if (!round.coders.some((coder) => coder.userId === actor.id)) throw forbidden('you are not a coder of this round', 'not_round_coder');
    if (round.closedAt !== null) throw conflict('this round is closed; its submissions are final', 'round_closed');
    const submitted = input.submitted ?? true;
    if (!(await this.store.setRoundSubmission(roundId, actor.id, submitted ? new Date().toISOString() : null)))
      throw conflict('this round is closed; its submissions are final', 'round_closed');
    return this.view((await this.store.getRound(roundId)) as RoundRecord, actor, role);
  }

  /**
   * Closes the round: every coder's layer and the transcript of every round transcript are kept as
   * they are now, with the codebook version, so the round's agreement is computed on them from
   * then on; `reveal` opens the coders' layers of those transcripts to each other at once.
   */
  async close(actor: UserRecord, projectId: string, roundId: string, input: { reveal?: boolean }): Promise<RoundView> {
    const { role } = await this.access.authorize(actor, projectId, 'project-settings', 'write', () => 'only project owners close calibration rounds');
    const { round } = await this.visibleRound(actor, projectId, roundId);
    if (round.closedAt !== null) throw conflict('this round is already closed', 'round_closed');
    const frozen: FrozenDocumentState[] = [];
    const freeze = async (documentName: string) => {
      frozen.push({ documentName, state: await this.context.gateway.read(documentName, (doc) => Y.encodeStateAsUpdate(doc)) });
    };
    for (const documentId of round.documentIds) {
      await freeze(documentNames.transcript(documentId));
      for (const coder of round.coders) await freeze(layerDocumentName(documentId, coder.userId));
    }
    const reveal = input.reveal ?? false;
    const codebookVersion = await this.codebookHistory.current(projectId);
    const closed = await this.store.closeRound(roundId, { closedAt: new Date().toISOString(), closedBy: actor.id, revealed: reveal, codebookVersion, frozen });
    if (!closed) throw conflict('this round is already closed', 'round_closed');
    if (reveal) await this.context.accessChanged(projectId);
    return this.view((await this.store.getRound(roundId)) as RoundRecord, actor, role);
  }

  /** Reveals a closed round's layers to its coders, or hides them again; open connections are re-checked (SPEC A3). */
  async reveal(actor: UserRecord, projectId: string, roundId: string, input: { revealed?: boolean }): Promise<RoundView> {
    const { role } = await this.access.authorize(actor, projectId, 'project-settings', 'write', () => 'only project owners reveal calibration rounds');
    const { round } = await this.visibleRound(actor, projectId, roundId);
    if (round.closedAt === null) throw conflict('close the round before revealing it: coders code blind until then', 'round_open');
    const revealed = input.revealed ?? true;
    await this.store.setRoundRevealed(roundId, revealed);
    await this.context.accessChanged(projectId);
    return this.view({ ...round, revealed }, actor, role);
  }

  /**
   * Agreement per code across the rounds the caller may see the numbers of (owners and
   * adjudicators: all; coders: revealed rounds they coded in), each with the codebook version it
   * used and what changed in the codebook since the round before (SPEC R4).
   */
  async history(actor: UserRecord, projectId: string, options: Pick<AgreementQuery, 'bootstrap' | 'groupBy'>): Promise<RoundHistory> {
    const { role, mayReadLayer } = await this.access.membership(actor, projectId);
    const visible: RoundRecord[] = [];
    for (const round of await this.store.listRounds(projectId)) {
      if (seesAllRounds(role)) visible.push(round);
      // A round whose every transcript was deleted has no layers left to be revealed.
      else if (round.revealed && round.documentIds.length > 0 && round.coders.some((coder) => coder.userId === actor.id)) {
        const colleague = round.coders.find((coder) => coder.userId !== actor.id)?.userId ?? actor.id;
        if ((await mayReadLayer(round.documentIds[0], colleague)).allowed) visible.push(round);
      }
    }
    const bootstrap = options.bootstrap ?? historyBootstrap;
    const history: RoundHistory = { rounds: [], codes: [] };
    const lines = new Map<string, RoundHistory['codes'][number]>();
    let previous: { version: number | null; codes: Code[] } | null = null;
    for (const round of visible) {
      const version = round.closedAt === null ? round.codebookVersionAtCreation : round.codebookVersionAtClose;
      const versionCodes = (await this.codebookHistory.codesOf(projectId, version)) ?? [];
      let report: AgreementReport | null = null;
      let unavailable: { code: string; message: string } | null = null;
      try {
        // Closed: on the codebook it closed with, like its report; open: on the live codebook.
        report = await this.agreement.computeRound(round, { bootstrap, groupBy: options.groupBy });
      } catch (error) {
        if (!(error instanceof DomainError) || error.kind !== 'invalid') throw error;
        unavailable = { code: error.code, message: error.message };
      }
      history.rounds.push({
        roundId: round.id,
        name: round.name,
        status: round.closedAt === null ? 'open' : 'closed',
        unit: round.unit,
        targetAlpha: round.targetAlpha,
        codebookVersion: version,
        changesSincePrevious: previous && version !== null ? { from: previous.version, to: version, ...diffCodebooks(previous.codes, versionCodes) } : null,
        unavailable,
        deletedTranscripts: round.deletedDocuments,
      });
      previous = { version, codes: versionCodes };
      for (const code of report?.byCode ?? []) {
        const continuum = round.unit.kind === 'continuum';
        const interval = continuum ? undefined : code.intervals.kripp_alpha_nominal;
        const point: RoundHistoryPoint = {
          roundId: round.id,
          name: round.name,
          status: round.closedAt === null ? 'open' : 'closed',
          closedAt: round.closedAt,
          alpha: continuum ? code.unitizedKAlpha : (code.statistics.kripp_alpha_nominal ?? null),
          interval: interval ? { lower: interval.lower, upper: interval.upper } : null,
        };
        const line = lines.get(code.codeId) ?? { codeId: code.codeId, name: code.name, points: [] };
        line.name = code.name;
        line.points.push(point);
        lines.set(code.codeId, line);
      }
    }
    history.codes = [...lines.values()];
    return history;
  }
}
