/**
 * Reconciliation (SPEC Q1–Q6): the disagreement navigator, decisions with their trail, live claims,
 * changed decisions that supersede earlier ones, and auto-merge, on the pure core of
 * shared/reconcile. Coders' layers are read through the one coding model (only codings on their
 * words count, K5); consensus codings are anchored with it and written together with their
 * decision record in one write of the consensus document, so the trail never lacks a decision
 * whose codings exist, nor the other way round (D1, D2).
 *
 * Only who may write the consensus (owners and adjudicators, A2) reaches any of it; coders never
 * do, blind mode or not (A3).
 */
import { createHash, randomUUID } from 'node:crypto';
import type * as Y from 'yjs';
import type {
  AutoMergePreview,
  AutoMergeResult,
  AutoMergeUndoResult,
  CoderRef,
  DecideBody,
  DecisionAction,
  DecisionResult,
  DecisionTrail,
  DisagreementList,
  DisagreementState,
  DisagreementView,
  ReconcileScope,
  SupersededResult,
} from '../../shared/api/reconciliation';
import { anchorRange, codingOffsets, isOnItsWords, newCoding } from '../../shared/collab/codings';
import { documentNames } from '../../shared/collab/documentNames';
import { layerDocumentName } from '../../shared/collab/layers';
import {
  appendDecision,
  countCodings,
  getClaim,
  getMerge,
  putClaim,
  putCoding,
  putMerge,
  readClaims,
  readCodes,
  readCodings,
  readDecisions,
  readMerges,
  removeClaim,
  removeCoding,
  type StoredClaim,
  type StoredCoding,
  type StoredDecision,
  type StoredMerge,
} from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import {
  type AutoMergePlan,
  autoMergeUndo,
  type ConsensusCoding,
  codingsWrittenBy,
  decide,
  findPassages,
  type MergeAction,
  type Passage,
  passageById,
  planAutoMerge,
  ReconcileError,
  type ReconcileCoding,
  type TranscriptPassages,
  type VersionAction,
  writtenCodingsNow,
} from '../../shared/reconcile';
import { conflict, DomainError, invalid, notFound } from '../errors';
import { decisionsCsv, type TrailNames } from '../exchange/tabular/decisionsCsv';
import type { RoundRecord, UserRecord } from '../storage/types';
import type { AccessService } from './access';
import type { AgreementService } from './agreement';
import type { CodebookService } from './codebook';
import type { ServiceContext } from './context';
import { documentReaderFor } from './roundDocuments';

/** One transcript's passages for a scope, with what the answers need besides. */
interface Analysis {
  projectId: string;
  documentId: string;
  roundId: string | null;
  coders: CoderRef[];
  passages: TranscriptPassages;
  text: string;
}

/** The core's refusals as domain errors: a passage that is gone is 404, one that changed 409, the rest 400. */
function domainError(error: unknown): unknown {
  if (!(error instanceof ReconcileError)) return error;
  if (error.code === 'unknown_disagreement') return notFound(error.message, error.code);
  if (error.code === 'stale_disagreement') return conflict(error.message, error.code);
  return invalid(error.message, error.code);
}

function fromCore<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw domainError(error);
  }
}

function versionAction(action: Extract<DecisionAction, { kind: 'accept' | 'union' | 'intersection' }>): VersionAction {
  if (action.kind === 'accept') return { action: 'accept-coder', coder: action.coder };
  return { action: action.kind, coders: action.coders };
}

/** The API's action as the core's. */
function mergeAction(action: DecisionAction): MergeAction {
  switch (action.kind) {
    case 'custom':
      return { action: 'custom-range', codeId: action.codeId, start: action.start, end: action.end };
    case 'recode':
      return { action: 'recode', codeId: action.codeId, from: versionAction(action.from) };
    case 'discard':
      return { action: 'discard' };
    default:
      return versionAction(action);
  }
}

/** Ids of the decisions a later decision superseded (SPEC Q6). */
function supersededIds(decisions: readonly StoredDecision[]): Set<string> {
  return new Set(decisions.flatMap((decision) => (decision.supersedes === null ? [] : [decision.supersedes])));
}

/** Decisions still in force: those a later decision superseded, and those of an undone auto-merge, no longer count. */
function decisionsInForce(decisions: readonly StoredDecision[], merges: readonly StoredMerge[]): StoredDecision[] {
  const undone = new Set(merges.filter((merge) => merge.undo !== null).map((merge) => merge.id));
  const superseded = supersededIds(decisions);
  return decisions.filter((decision) => !superseded.has(decision.id) && (decision.mergeId === null || !undone.has(decision.mergeId)));
}

/** The decision in force per passage: the latest one. */
function latestByPassage(decisions: readonly StoredDecision[]): Map<string, StoredDecision> {
  const latest = new Map<string, StoredDecision>();
  for (const decision of decisions) latest.set(decision.disagreementId, decision);
  return latest;
}

function stateOf(passage: Passage, latest: StoredDecision | undefined): DisagreementState {
  if (!latest) return 'open';
  return latest.revision === passage.revision ? 'resolved' : 'changed';
}

const isLive = (claim: StoredClaim, now: number): boolean => Date.parse(claim.expiresAt) > now;

/** A plan's identity: the passages it decides and the codings it writes, not who previews it or when. */
function planId(plan: AutoMergePlan, coders: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([plan.agreedOverlapRatioMin, coders, plan.entries.map((entry) => [entry.record.disagreementId, entry.record.revision, entry.codings.map((coding) => coding.id)])]));
  return `plan-${hash.digest('hex').slice(0, 24)}`;
}

/** Consensus codings anchored on this index of the live transcript (see ReconciliationService.anchored). */
function anchorOn(index: TranscriptIndex, analysis: Analysis, codings: readonly (ConsensusCoding & { id?: string })[], createdBy: string, createdAt: string): StoredCoding[] {
  if (index.text !== analysis.text) throw conflict('the transcript text changed since these codings were compared; reload the disagreements', 'transcript_changed');
  return codings.map((coding) => {
    const anchored = anchorRange(index, coding.start, coding.end);
    if ('refusal' in anchored) throw invalid(anchored.refusal.message, anchored.refusal.code);
    return newCoding({ id: coding.id ?? randomUUID(), codeId: coding.codeId, anchors: anchored.anchors, start: coding.start, end: coding.end, memo: '', createdBy, createdAt });
  });
}

/**
 * Whether a decision may be recorded on a passage whose decision in force is `inForce` (SPEC Q3,
 * Q6): without `supersedes` only a passage not decided on these codings; with it, only when it
 * names exactly the decision in force, so two adjudicators never silently overwrite each other.
 */
function refuseDecision(
  decisions: readonly StoredDecision[],
  inForce: StoredDecision | undefined,
  disagreementId: string,
  revision: string,
  supersedes: string | undefined,
  personName: (id: string) => string,
): void {
  const by = (decision: StoredDecision) => `decision ${decision.id} by ${personName(decision.decidedBy)} at ${decision.decidedAt}`;
  if (supersedes === undefined) {
    if (inForce?.revision === revision)
      throw conflict(`passage ${disagreementId} was already decided (${by(inForce)}); to change that decision, send supersedes: "${inForce.id}"`, 'already_decided');
    return;
  }
  // Nothing to change: whatever `supersedes` names, it is not in force here (at most an undone auto-merge's).
  if (!inForce) throw conflict(`passage ${disagreementId} has no decision in force, so there is none to supersede; decide it without supersedes`, 'not_decided');
  const named = decisions.find((decision) => decision.id === supersedes);
  if (!named) throw notFound(`supersedes: no decision ${supersedes} in this transcript's trail`, 'unknown_decision');
  if (named.disagreementId !== disagreementId)
    throw invalid(`supersedes: decision ${supersedes} is about passage ${named.disagreementId}, not ${disagreementId}`, 'decision_of_other_passage');
  if (inForce.id !== named.id)
    throw conflict(`decision ${supersedes} is no longer the one in force on passage ${disagreementId}: ${by(inForce)} is; review it, then supersede that one`, 'decision_changed');
}

export class ReconciliationService {
  constructor(
    private readonly context: ServiceContext,
    private readonly access: AccessService,
    private readonly codebook: CodebookService,
    private readonly agreement: AgreementService,
  ) {}

  private get gateway() {
    return this.context.gateway;
  }

  /** Owners and adjudicators only (consensus write, SPEC A2); a document of another project is 404. */
  private async authorize(actor: UserRecord, projectId: string, documentId?: string): Promise<void> {
    if (documentId !== undefined) await this.access.document(actor, projectId, documentId);
    await this.access.authorize(actor, projectId, 'consensus', 'write', (reason) => `${reason}; reconciliation is for those who decide the consensus`);
  }

  private async round(projectId: string, roundId: string): Promise<RoundRecord> {
    const round = await this.context.store.getRound(roundId);
    if (!round || round.projectId !== projectId) throw notFound(`no round ${roundId} in this project`, 'unknown_round');
    return round;
  }

  private async coderRefs(projectId: string, coderIds: readonly string[]): Promise<CoderRef[]> {
    const members = new Map((await this.context.store.listMembers(projectId)).map((member) => [member.userId, member.name || member.email]));
    const refs: CoderRef[] = [];
    for (const id of coderIds) {
      const name = members.get(id) ?? (await this.context.store.getUserById(id))?.name;
      if (name === undefined) throw invalid(`coders: user ${id} is not a member of this project`, 'unknown_coder');
      refs.push({ id, name });
    }
    return refs;
  }

  /**
   * A round's per-code agreement as its report gives it ((k)uα for a round on the codings' own
   * boundaries, alpha over its units otherwise), for the navigator to order by (SPEC Q1); none
   * when the report cannot be computed (no transcript of the round left, say), and the navigator
   * orders by its own overlap measure instead.
   */
  private async roundCodeAgreement(round: RoundRecord): Promise<Record<string, number | null> | undefined> {
    try {
      return await this.agreement.roundCodeAgreement(round);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'invalid') return undefined;
      throw error;
    }
  }

  /**
   * The passages of one transcript among the scope's coders. Without a scope: every member whose
   * layer of this transcript holds codings. `ordered`: the disagreements are listed for the
   * navigator, so a round's are ordered by its report's per-code agreement; ids, revisions and
   * every decision are the same either way, so the other callers skip computing it.
   */
  private async analyse(
    projectId: string,
    documentId: string,
    scope: ReconcileScope,
    { agreedOverlapRatioMin, ordered = false }: { agreedOverlapRatioMin?: number; ordered?: boolean } = {},
  ): Promise<Analysis> {
    if (scope.roundId !== undefined && scope.coders !== undefined) throw invalid('give either coders or round, not both', 'invalid_parameter');
    const round = scope.roundId === undefined ? null : await this.round(projectId, scope.roundId);
    if (round && !round.documentIds.includes(documentId)) throw notFound(`round ${round.id} does not include document ${documentId}`, 'not_in_round');
    const read = await documentReaderFor(this.context, round);
    let coderIds = round ? round.coders.map((coder) => coder.userId) : scope.coders;
    if (coderIds === undefined) {
      coderIds = [];
      for (const member of await this.context.store.listMembers(projectId))
        if ((await this.gateway.read(layerDocumentName(documentId, member.userId), countCodings)) > 0) coderIds.push(member.userId);
    }
    if (new Set(coderIds).size !== coderIds.length) throw invalid('coders: a coder is listed twice', 'invalid_parameter');
    const coders = await this.coderRefs(projectId, coderIds);
    if (coders.length < 2) throw invalid('reconciliation compares at least two coders (name them with ?coders=a,b)', 'too_few_coders');
    const codeAgreement = round && ordered ? await this.roundCodeAgreement(round) : undefined;
    return read(documentNames.transcript(documentId), async (transcript) => {
      const index = new TranscriptIndex(transcript);
      const codings: ReconcileCoding[] = [];
      for (const coder of coders)
        for (const coding of await read(layerDocumentName(documentId, coder.id), readCodings)) {
          const offsets = codingOffsets(index, coding);
          if (isOnItsWords(offsets)) codings.push({ id: coding.id, coder: coder.id, codeId: coding.codeId, start: offsets.start, end: offsets.end });
        }
      const passages = fromCore(() =>
        findPassages({ textLength: index.length, text: index.text, codings, coders: coders.map((coder) => coder.id), codeAgreement, agreedOverlapRatioMin }),
      );
      return { projectId, documentId, roundId: round?.id ?? null, coders, passages, text: index.text };
    });
  }

  private trail(documentId: string) {
    return this.gateway.read(documentNames.consensus(documentId), (doc) => ({ decisions: readDecisions(doc), merges: readMerges(doc), claims: readClaims(doc) }));
  }

  private progress(analysis: Analysis, latest: Map<string, StoredDecision>) {
    const resolved = analysis.passages.disagreements.filter((passage) => stateOf(passage, latest.get(passage.id)) === 'resolved').length;
    return { resolved, total: analysis.passages.disagreements.length };
  }

  async disagreements(actor: UserRecord, projectId: string, documentId: string, scope: ReconcileScope): Promise<DisagreementList> {
    await this.authorize(actor, projectId, documentId);
    const analysis = await this.analyse(projectId, documentId, scope, { ordered: true });
    const { decisions, merges, claims } = await this.trail(documentId);
    const now = Date.now();
    const byPassage = new Map<string, StoredDecision[]>();
    for (const decision of decisions) byPassage.set(decision.disagreementId, [...(byPassage.get(decision.disagreementId) ?? []), decision]);
    const latest = latestByPassage(decisionsInForce(decisions, merges));
    const liveClaims = new Map(claims.filter((claim) => isLive(claim, now)).map((claim) => [claim.disagreementId, claim]));
    const { text } = analysis;
    const disagreements: DisagreementView[] = analysis.passages.disagreements.map((passage) => ({
      id: passage.id,
      revision: passage.revision,
      start: passage.start,
      end: passage.end,
      text: text.slice(passage.start, passage.end),
      kinds: passage.kinds,
      impact: passage.impact,
      codes: passage.codes,
      versions: passage.versions.map((version) => ({
        coder: version.coder,
        codings: version.codings.map((coding) => ({ id: coding.id, codeId: coding.codeId, start: coding.start, end: coding.end, text: text.slice(coding.start, coding.end) })),
      })),
      state: stateOf(passage, latest.get(passage.id)),
      decisions: byPassage.get(passage.id) ?? [],
      inForce: latest.get(passage.id)?.id ?? null,
      claim: liveClaims.get(passage.id) ?? null,
    }));
    return {
      documentId,
      roundId: analysis.roundId,
      coders: analysis.coders,
      agreedOverlapRatioMin: analysis.passages.agreedOverlapRatioMin,
      codes: analysis.passages.codes,
      agreedPassages: analysis.passages.passages.length - analysis.passages.disagreements.length,
      progress: this.progress(analysis, latest),
      disagreements,
    };
  }

  /** Claims a passage for the actor (or renews their claim) for `reconciliationClaimTtlMs`. */
  async claim(actor: UserRecord, projectId: string, documentId: string, disagreementId: string, scope: ReconcileScope): Promise<StoredClaim> {
    await this.authorize(actor, projectId, documentId);
    const analysis = await this.analyse(projectId, documentId, scope);
    fromCore(() => passageById(analysis.passages, disagreementId));
    const now = Date.now();
    const claim: StoredClaim = {
      disagreementId,
      userId: actor.id,
      userName: actor.name || actor.email,
      claimedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.context.config.limits.reconciliationClaimTtlMs).toISOString(),
    };
    await this.gateway.write(documentNames.consensus(documentId), (doc) => {
      this.refuseOthersClaim(doc, disagreementId, actor, now);
      // Lapsed claims are dropped on the way, so the map holds only passages someone works on.
      for (const held of readClaims(doc)) if (!isLive(held, now)) removeClaim(doc, held.disagreementId);
      putClaim(doc, claim);
    });
    return claim;
  }

  /** Gives up the actor's claim; releasing a passage nobody claims is a no-op. */
  async release(actor: UserRecord, projectId: string, documentId: string, disagreementId: string): Promise<void> {
    await this.authorize(actor, projectId, documentId);
    const now = Date.now();
    await this.gateway.write(documentNames.consensus(documentId), (doc) => {
      this.refuseOthersClaim(doc, disagreementId, actor, now);
      removeClaim(doc, disagreementId);
    });
  }

  private refuseOthersClaim(doc: Y.Doc, disagreementId: string, actor: UserRecord, now: number): void {
    const held = getClaim(doc, disagreementId);
    if (held && isLive(held, now) && held.userId !== actor.id)
      throw conflict(`passage ${disagreementId} is claimed by ${held.userName} until ${held.expiresAt}`, 'claimed');
  }

  /**
   * Anchors consensus codings on the live transcript. A closed round's passages are offsets into
   * its frozen transcript; they are written only while the live text is still the same.
   */
  private async anchored(analysis: Analysis, codings: readonly (ConsensusCoding & { id?: string })[], createdBy: string, createdAt: string): Promise<StoredCoding[]> {
    return this.gateway.read(documentNames.transcript(analysis.documentId), (transcript) => anchorOn(new TranscriptIndex(transcript), analysis, codings, createdBy, createdAt));
  }

  private refuseOverLimit(doc: Y.Doc, adding: number): void {
    const { codingsPerLayerMax } = this.context.config.limits;
    if (countCodings(doc) + adding > codingsPerLayerMax) throw conflict(`a layer holds at most ${codingsPerLayerMax} codings`, 'limit_reached');
  }

  async decide(actor: UserRecord, projectId: string, documentId: string, disagreementId: string, scope: ReconcileScope, body: DecideBody): Promise<DecisionResult> {
    await this.authorize(actor, projectId, documentId);
    // Only these two name a code themselves; the others take coders' codes as they are.
    if (body.action.kind === 'custom' || body.action.kind === 'recode') {
      const code = await this.codebook.code(projectId, body.action.codeId);
      if (!code) throw invalid(`action.codeId: no code ${body.action.codeId} in this project's codebook`, 'unknown_code');
      if (code.archived) throw invalid(`action.codeId: code "${code.name}" is archived; restore it before applying it`, 'archived_code');
    }
    const analysis = await this.analyse(projectId, documentId, scope);
    const decidedAt = new Date().toISOString();
    const record = fromCore(() =>
      decide(analysis.passages, disagreementId, mergeAction(body.action), { decidedBy: actor.id, decidedAt, rationale: body.rationale, expectedRevision: body.revision }),
    );
    const people = new Map((await this.context.store.listMembers(projectId)).map((member) => [member.userId, member.name || member.email]));
    const personName = (id: string) => people.get(id) ?? id;
    const now = Date.now();
    // The transcript stays open through the write: the superseded decision's codings are compared
    // on the words they sit on at the moment they are removed.
    return this.gateway.read(documentNames.transcript(documentId), async (transcript) => {
      const index = new TranscriptIndex(transcript);
      const codings = anchorOn(index, analysis, record.consensus, actor.id, decidedAt);
      const decision: StoredDecision = {
        ...record,
        id: randomUUID(),
        mergeId: null,
        consensusCodingIds: codings.map((coding) => coding.id),
        supersedes: null,
      };
      const { latest, superseded } = await this.gateway.write(documentNames.consensus(documentId), (doc) => {
        // Checked inside the write, so two adjudicators deciding at once cannot both pass.
        this.refuseOthersClaim(doc, disagreementId, actor, now);
        const decisions = readDecisions(doc);
        const inForce = latestByPassage(decisionsInForce(decisions, readMerges(doc)));
        const previous = inForce.get(disagreementId);
        refuseDecision(decisions, previous, disagreementId, record.revision, body.supersedes, personName);
        // A passage whose codings changed since its decision (Q3 `changed`) is decided again on what it
        // is now, so the new decision supersedes the old one: otherwise the consensus would keep both.
        const supersedes = body.supersedes ?? (previous && previous.revision !== record.revision ? previous.id : undefined);
        decision.supersedes = supersedes ?? null;
        let superseded: SupersededResult | null = null;
        if (supersedes !== undefined && previous) {
          const current = readCodings(doc).map((coding) => ({ id: coding.id, codeId: coding.codeId, ...codingOffsets(index, coding) }));
          const written = writtenCodingsNow(codingsWrittenBy(previous), current);
          superseded = { decisionId: previous.id, removed: written.unchanged, keptEdited: written.edited, alreadyRemoved: written.gone };
        }
        this.refuseOverLimit(doc, codings.length - (superseded?.removed.length ?? 0));
        for (const id of superseded?.removed ?? []) removeCoding(doc, id);
        for (const coding of codings) putCoding(doc, coding);
        appendDecision(doc, decision);
        removeClaim(doc, disagreementId);
        inForce.set(disagreementId, decision);
        return { latest: inForce, superseded };
      });
      return { decision, progress: this.progress(analysis, latest), superseded };
    });
  }

  async decisions(actor: UserRecord, projectId: string, documentId: string): Promise<DecisionTrail> {
    await this.authorize(actor, projectId, documentId);
    const { decisions, merges } = await this.trail(documentId);
    return { documentId, decisions, merges };
  }

  /** The trail as CSV, coders and codes by name. */
  async decisionsCsv(actor: UserRecord, projectId: string, documentId: string): Promise<string> {
    const { document } = await this.access.document(actor, projectId, documentId);
    const { decisions } = await this.decisions(actor, projectId, documentId);
    return decisionsCsv([{ documentId, title: document.title, decisions }], await this.trailNames(projectId, decisions));
  }

  /** Names of the people and codes a trail mentions (former members included). */
  async trailNames(projectId: string, decisions: readonly StoredDecision[]): Promise<TrailNames> {
    const people = new Map((await this.context.store.listMembers(projectId)).map((member) => [member.userId, member.name || member.email]));
    for (const decision of decisions)
      for (const id of [decision.decidedBy, ...decision.coderVersions.map((version) => version.coder)])
        if (!people.has(id)) {
          const user = await this.context.store.getUserById(id);
          if (user) people.set(id, user.name || user.email);
        }
    const codes = new Map((await this.gateway.read(documentNames.codebook(projectId), readCodes)).map((code) => [code.id, code.name]));
    return { people, codes };
  }

  /** The plan for one transcript: agreed passages not decided yet (an auto-merge in force counts as decided). */
  private async plan(actor: UserRecord, projectId: string, documentId: string, scope: ReconcileScope, agreedOverlapRatioMin?: number) {
    const analysis = await this.analyse(projectId, documentId, scope, { agreedOverlapRatioMin });
    const { decisions, merges } = await this.trail(documentId);
    const revisions = new Map(analysis.passages.passages.map((passage) => [passage.id, passage.revision]));
    // A passage decided on other codings than it has now is planned again.
    const decided = [...latestByPassage(decisionsInForce(decisions, merges)).values()]
      .filter((decision) => revisions.get(decision.disagreementId) === decision.revision)
      .map((decision) => decision.disagreementId);
    const plan = fromCore(() => planAutoMerge(analysis.passages, { decidedBy: actor.id, decidedAt: new Date().toISOString() }, decided));
    return { analysis, plan, id: planId(plan, analysis.passages.coders) };
  }

  async previewAutoMerge(actor: UserRecord, projectId: string, documentId: string, scope: ReconcileScope, agreedOverlapRatioMin?: number): Promise<AutoMergePreview> {
    await this.authorize(actor, projectId, documentId);
    const { analysis, plan, id } = await this.plan(actor, projectId, documentId, scope, agreedOverlapRatioMin);
    return {
      documentId,
      planId: id,
      agreedOverlapRatioMin: plan.agreedOverlapRatioMin,
      coders: analysis.coders,
      passages: plan.entries.map((entry) => ({
        disagreementId: entry.record.disagreementId,
        start: entry.record.start,
        end: entry.record.end,
        codings: entry.codings.map((coding) => ({ ...coding, text: analysis.text.slice(coding.start, coding.end) })),
      })),
      codings: plan.codings.length,
    };
  }

  async applyAutoMerge(
    actor: UserRecord,
    projectId: string,
    documentId: string,
    scope: ReconcileScope,
    body: { planId: string; agreedOverlapRatioMin?: number },
  ): Promise<AutoMergeResult> {
    await this.authorize(actor, projectId, documentId);
    return this.applyPlan(actor, projectId, documentId, scope, body.planId, body.agreedOverlapRatioMin);
  }

  private async applyPlan(actor: UserRecord, projectId: string, documentId: string, scope: ReconcileScope, expectedPlanId: string, agreedOverlapRatioMin?: number): Promise<AutoMergeResult> {
    const { analysis, plan, id } = await this.plan(actor, projectId, documentId, scope, agreedOverlapRatioMin);
    if (id !== expectedPlanId) throw conflict(`the auto-merge plan of document ${documentId} changed since its preview (${expectedPlanId}, now ${id}); preview again`, 'plan_changed');
    const appliedAt = plan.entries[0]?.record.decidedAt ?? new Date().toISOString();
    const codings = await this.anchored(analysis, plan.codings, actor.id, appliedAt);
    const mergeId = `merge-${randomUUID()}`;
    const decisions: StoredDecision[] = plan.entries.map((entry) => ({
      ...entry.record,
      id: randomUUID(),
      mergeId,
      consensusCodingIds: entry.codings.map((coding) => coding.id),
      supersedes: null,
    }));
    const merge: StoredMerge = {
      id: mergeId,
      appliedBy: actor.id,
      appliedAt,
      agreedOverlapRatioMin: plan.agreedOverlapRatioMin,
      coders: analysis.passages.coders,
      decisionIds: decisions.map((decision) => decision.id),
      codings: plan.codings,
      undo: null,
    };
    await this.gateway.write(documentNames.consensus(documentId), (doc) => {
      this.refuseOverLimit(doc, codings.length);
      for (const coding of codings) putCoding(doc, coding);
      for (const decision of decisions) appendDecision(doc, decision);
      putMerge(doc, merge);
    });
    return { documentId, mergeId, decisions: decisions.length, codings: codings.length };
  }

  /**
   * Removes exactly what an auto-merge wrote and is still there; codings someone changed since are
   * kept and named, so undo never takes away an adjudicator's later work.
   */
  async undoAutoMerge(actor: UserRecord, projectId: string, documentId: string, mergeId: string): Promise<AutoMergeUndoResult> {
    await this.authorize(actor, projectId, documentId);
    const consensusName = documentNames.consensus(documentId);
    const current = await this.gateway.read(documentNames.transcript(documentId), async (transcript) => {
      const index = new TranscriptIndex(transcript);
      return (await this.gateway.read(consensusName, readCodings)).map((coding) => ({ id: coding.id, codeId: coding.codeId, ...codingOffsets(index, coding) }));
    });
    return this.gateway.write(consensusName, (doc) => {
      const merge = getMerge(doc, mergeId);
      if (!merge) throw notFound(`no auto-merge ${mergeId} in this transcript`, 'unknown_merge');
      if (merge.undo) throw conflict(`auto-merge ${mergeId} was already undone by ${merge.undo.undoneBy} at ${merge.undo.undoneAt}`, 'already_undone');
      const still = new Set(readCodings(doc).map((coding) => coding.id));
      // A decision of this merge that was superseded handed its codings over to that change, which
      // removed them or kept them as edited: they are no longer the merge's to take back (SPEC Q6).
      const decisions = readDecisions(doc);
      const superseded = supersededIds(decisions);
      const handedOver = decisions.filter((decision) => decision.mergeId === mergeId && superseded.has(decision.id));
      const handedOverCodings = new Set(handedOver.flatMap((decision) => decision.consensusCodingIds));
      const { remove, editedSince, alreadyRemoved } = autoMergeUndo(
        { agreedOverlapRatioMin: merge.agreedOverlapRatioMin, entries: [], codings: merge.codings.filter((coding) => !handedOverCodings.has(coding.id)) },
        current.filter((coding) => still.has(coding.id)),
      );
      const edited = new Set(editedSince);
      const removed = remove.filter((id) => !edited.has(id));
      for (const id of removed) removeCoding(doc, id);
      const undo = { undoneBy: actor.id, undoneAt: new Date().toISOString(), removed, keptEdited: editedSince, alreadyRemoved };
      putMerge(doc, { ...merge, undo });
      return { mergeId, ...undo, supersededDecisions: handedOver.map((decision) => decision.id) };
    });
  }

  /** A round's auto-merge preview: one plan per transcript of the round, on the round's coders. */
  async previewRoundAutoMerge(actor: UserRecord, projectId: string, roundId: string, agreedOverlapRatioMin?: number): Promise<AutoMergePreview[]> {
    await this.authorize(actor, projectId);
    const round = await this.round(projectId, roundId);
    const previews: AutoMergePreview[] = [];
    for (const documentId of round.documentIds) previews.push(await this.previewAutoMerge(actor, projectId, documentId, { roundId }, agreedOverlapRatioMin));
    return previews;
  }

  /**
   * Applies a round's plans, one merge per transcript. Every plan is checked against its preview
   * before any is written, so a changed transcript stops the whole round rather than half of it.
   */
  async applyRoundAutoMerge(
    actor: UserRecord,
    projectId: string,
    roundId: string,
    body: { planIds: Record<string, string>; agreedOverlapRatioMin?: number },
  ): Promise<AutoMergeResult[]> {
    await this.authorize(actor, projectId);
    const round = await this.round(projectId, roundId);
    for (const documentId of Object.keys(body.planIds))
      if (!round.documentIds.includes(documentId)) throw invalid(`planIds: round ${roundId} does not include document ${documentId}`, 'not_in_round');
    for (const documentId of round.documentIds) {
      const expected = body.planIds[documentId];
      if (expected === undefined) throw invalid(`planIds: no plan for document ${documentId} of the round; preview the round first`, 'missing_plan');
      const { id } = await this.plan(actor, projectId, documentId, { roundId }, body.agreedOverlapRatioMin);
      if (id !== expected) throw conflict(`the auto-merge plan of document ${documentId} changed since its preview; preview again`, 'plan_changed');
    }
    const results: AutoMergeResult[] = [];
    for (const documentId of round.documentIds)
      results.push(await this.applyPlan(actor, projectId, documentId, { roundId }, body.planIds[documentId], body.agreedOverlapRatioMin));
    return results;
  }
}

