/**
 * The REST client. Every call relies on the httpOnly session cookie the server sets at sign-in
 * (`credentials: 'same-origin'`); the page never sees or stores a token.
 */
import { type AgreementQuery, encodeAgreementQuery } from '../../shared/api/agreementQuery';
import type {
  AddMemberBody,
  CreateCodeBody,
  CreateDocumentBody,
  CreateProjectBody,
  CreateRoundBody,
  LoginBody,
  RegisterBody,
  UpdateCodeBody,
  UpdateMemberBody,
  UpdateProjectBody,
} from '../../shared/api/requests';
import type {
  AddedMember,
  AgreementReport,
  Code,
  CodingView,
  CreatedDocument,
  DocumentDetail,
  DocumentSummary,
  Members,
  ProgressRow,
  Project,
  User,
} from '../../shared/api/responses';
import type {
  AutoMergePreview,
  AutoMergeResult,
  AutoMergeUndoResult,
  DecideBody,
  DecisionResult,
  DecisionTrail,
  DisagreementList,
  ReconcileScope,
} from '../../shared/api/reconciliation';
import type { CodeHistoryEntry, RoundHistory, RoundView } from '../../shared/api/rounds';
import type { LayerSelector } from '../../shared/collab/layers';
import type { StoredClaim } from '../../shared/collab/schema';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'offline', 'cannot reach the server; check your connection and try again');
  }
  if (response.status === 204) return undefined as T;
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(response.status, error?.code ?? 'error', error?.message ?? `request failed (${response.status})`);
  }
  return payload as T;
}

const project = (projectId: string) => `/projects/${encodeURIComponent(projectId)}`;
const transcript = (projectId: string, documentId: string) => `${project(projectId)}/documents/${encodeURIComponent(documentId)}`;

/** A reconciliation scope as its query string: a round's coders, or listed ones (none: every coder with codings). */
function scopeQuery(scope: ReconcileScope): string {
  if (scope.roundId) return `?round=${encodeURIComponent(scope.roundId)}`;
  if (scope.coders) return `?coders=${scope.coders.map(encodeURIComponent).join(',')}`;
  return '';
}

export const api = {
  me: () => request<{ user: User }>('GET', '/me').then((r) => r.user),
  login: (body: LoginBody) => request<{ user: User }>('POST', '/auth/login', body).then((r) => r.user),
  register: (body: RegisterBody) => request<{ user: User }>('POST', '/auth/register', body).then((r) => r.user),
  logout: () => request<void>('POST', '/auth/logout'),

  projects: () => request<Project[]>('GET', '/projects'),
  createProject: (body: CreateProjectBody) => request<Project>('POST', '/projects', body),
  project: (projectId: string) => request<Project>('GET', project(projectId)),
  updateProject: (projectId: string, patch: UpdateProjectBody) => request<Project>('PATCH', project(projectId), patch),

  members: (projectId: string) => request<Members>('GET', `${project(projectId)}/members`),
  addMember: (projectId: string, body: AddMemberBody) => request<AddedMember>('POST', `${project(projectId)}/members`, body),
  updateMember: (projectId: string, userId: string, body: UpdateMemberBody) =>
    request<UpdateMemberBody & { userId: string }>('PATCH', `${project(projectId)}/members/${encodeURIComponent(userId)}`, body),
  removeMember: (projectId: string, userId: string) =>
    request<void>('DELETE', `${project(projectId)}/members/${encodeURIComponent(userId)}`),

  codes: (projectId: string) => request<Code[]>('GET', `${project(projectId)}/codes`),
  createCode: (projectId: string, body: CreateCodeBody) => request<Code>('POST', `${project(projectId)}/codes`, body),
  updateCode: (projectId: string, codeId: string, patch: UpdateCodeBody) =>
    request<Code>('PATCH', `${project(projectId)}/codes/${encodeURIComponent(codeId)}`, patch),
  deleteCode: (projectId: string, codeId: string) =>
    request<void>('DELETE', `${project(projectId)}/codes/${encodeURIComponent(codeId)}`),
  mergeCode: (projectId: string, codeId: string, intoCodeId: string) =>
    request<{ moved: number }>('POST', `${project(projectId)}/codes/${encodeURIComponent(codeId)}/merge`, { intoCodeId }),

  documents: (projectId: string) => request<DocumentSummary[]>('GET', `${project(projectId)}/documents`),
  document: (projectId: string, documentId: string) =>
    request<DocumentDetail>('GET', `${project(projectId)}/documents/${encodeURIComponent(documentId)}`),
  createDocument: (projectId: string, body: CreateDocumentBody) => request<CreatedDocument>('POST', `${project(projectId)}/documents`, body),
  codings: (projectId: string, documentId: string, layer: LayerSelector) =>
    request<CodingView[]>(
      'GET',
      `${project(projectId)}/documents/${encodeURIComponent(documentId)}/codings?layer=${encodeURIComponent(layer)}`,
    ),
  progress: (projectId: string) => request<ProgressRow[]>('GET', `${project(projectId)}/progress`),
  agreement: (projectId: string, query: AgreementQuery) =>
    request<AgreementReport>('GET', `${project(projectId)}/agreement?${encodeAgreementQuery(query)}`),

  rounds: (projectId: string) => request<RoundView[]>('GET', `${project(projectId)}/rounds`),
  createRound: (projectId: string, body: CreateRoundBody) => request<RoundView>('POST', `${project(projectId)}/rounds`, body),
  submitRound: (projectId: string, roundId: string, submitted: boolean) =>
    request<RoundView>('POST', `${project(projectId)}/rounds/${encodeURIComponent(roundId)}/submit`, { submitted }),
  closeRound: (projectId: string, roundId: string, reveal: boolean) =>
    request<RoundView>('POST', `${project(projectId)}/rounds/${encodeURIComponent(roundId)}/close`, { reveal }),
  revealRound: (projectId: string, roundId: string, revealed: boolean) =>
    request<RoundView>('POST', `${project(projectId)}/rounds/${encodeURIComponent(roundId)}/reveal`, { revealed }),
  roundHistory: (projectId: string) => request<RoundHistory>('GET', `${project(projectId)}/rounds/history`),
  codeHistory: (projectId: string, codeId: string) =>
    request<CodeHistoryEntry[]>('GET', `${project(projectId)}/codes/${encodeURIComponent(codeId)}/history`),

  disagreements: (projectId: string, documentId: string, scope: ReconcileScope) =>
    request<DisagreementList>('GET', `${transcript(projectId, documentId)}/disagreements${scopeQuery(scope)}`),
  claimDisagreement: (projectId: string, documentId: string, disagreementId: string, scope: ReconcileScope) =>
    request<StoredClaim>('POST', `${transcript(projectId, documentId)}/disagreements/${encodeURIComponent(disagreementId)}/claim${scopeQuery(scope)}`),
  releaseDisagreement: (projectId: string, documentId: string, disagreementId: string) =>
    request<void>('DELETE', `${transcript(projectId, documentId)}/disagreements/${encodeURIComponent(disagreementId)}/claim`),
  decideDisagreement: (projectId: string, documentId: string, disagreementId: string, scope: ReconcileScope, body: DecideBody) =>
    request<DecisionResult>('POST', `${transcript(projectId, documentId)}/disagreements/${encodeURIComponent(disagreementId)}/decision${scopeQuery(scope)}`, body),
  decisionTrail: (projectId: string, documentId: string) => request<DecisionTrail>('GET', `${transcript(projectId, documentId)}/decisions`),
  previewAutoMerge: (projectId: string, documentId: string, scope: ReconcileScope) =>
    request<AutoMergePreview>('POST', `${transcript(projectId, documentId)}/automerge/preview${scopeQuery(scope)}`, {}),
  applyAutoMerge: (projectId: string, documentId: string, scope: ReconcileScope, planId: string) =>
    request<AutoMergeResult>('POST', `${transcript(projectId, documentId)}/automerge${scopeQuery(scope)}`, { planId }),
  undoAutoMerge: (projectId: string, documentId: string, mergeId: string) =>
    request<AutoMergeUndoResult>('POST', `${transcript(projectId, documentId)}/automerge/${encodeURIComponent(mergeId)}/undo`),
};
