/**
 * The REST client. Every call relies on the httpOnly session cookie the server sets at sign-in
 * (`credentials: 'same-origin'`); the page never sees or stores a token.
 */
import { type AgreementQuery, encodeAgreementQuery } from '../../shared/api/agreementQuery';
import type {
  AddMemberBody,
  ChangePasswordBody,
  CreateCodeBody,
  CreateDocumentBody,
  CreateProjectBody,
  CreateRoundBody,
  DeleteAccountBody,
  DeleteProjectBody,
  ExportQuery,
  LoginBody,
  PutPseudonymsBody,
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
  DocumentImportResult,
  DocumentPreview,
  DocumentSummary,
  ImportedProject,
  Members,
  ProgressRow,
  Project,
  PseudonymMapping,
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

/** A long-lived API token as `GET /auth/tokens` lists it (the secret itself is shown once, at creation). */
export interface ApiTokenSummary {
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  expiresAt: number;
}

/** The server's error object in an answer, as an ApiError (or a generic one naming the status). */
function errorOf(status: number, payload: unknown): ApiError {
  const error = (payload as { error?: { code?: string; message?: string } } | null)?.error;
  return new ApiError(status, error?.code ?? 'error', error?.message ?? `request failed (${status})`);
}

const unreachable = () => new ApiError(0, 'offline', 'cannot reach the server; check your connection and try again');

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
    throw unreachable();
  }
  if (response.status === 204) return undefined as T;
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw errorOf(response.status, payload);
  return payload as T;
}

/** How far an upload is: bytes sent of the total (the total is known once it starts). */
export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

/**
 * A multipart upload. XMLHttpRequest rather than fetch: only it reports upload progress, which a
 * long import shows. The session cookie travels as with every same-origin request.
 */
function upload<T>(path: string, form: FormData, onProgress?: UploadProgress): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api${path}`);
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    if (onProgress) xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : 0);
    xhr.onerror = () => reject(unreachable());
    xhr.onload = () => {
      let payload: unknown = null;
      try {
        payload = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON (a proxy's error page): the status says enough.
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(payload as T);
      else reject(errorOf(xhr.status, payload));
    };
    xhr.send(form);
  });
}

/** A file the server made for download, with the name it proposed. */
export interface DownloadedFile {
  blob: Blob;
  fileName: string;
}

/** The file name of a `Content-Disposition: attachment` answer, preferring `filename*` (UTF-8). */
export function attachmentFileName(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]);
    } catch {
      // A malformed encoding: fall back to the plain name.
    }
  }
  return /filename="([^"]+)"/i.exec(disposition)?.[1] ?? fallback;
}

async function download(path: string, fallbackName: string): Promise<DownloadedFile> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, { credentials: 'same-origin' });
  } catch {
    throw unreachable();
  }
  if (!response.ok) throw errorOf(response.status, await response.json().catch(() => null));
  return {
    blob: await response.blob(),
    fileName: attachmentFileName(response.headers.get('Content-Disposition'), fallbackName),
  };
}

function fileForm(fields: Record<string, string | Blob | Blob[] | undefined>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const part of Array.isArray(value) ? value : [value]) form.append(name, part);
  }
  return form;
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
  changePassword: (body: ChangePasswordBody) => request<void>('POST', '/auth/password', body),
  apiTokens: () => request<ApiTokenSummary[]>('GET', '/auth/tokens'),
  createApiToken: () => request<{ token: string }>('POST', '/auth/tokens').then((r) => r.token),
  revokeApiToken: (tokenId: string) => request<void>('DELETE', `/auth/tokens/${encodeURIComponent(tokenId)}`),
  deleteAccount: (body: DeleteAccountBody) => request<void>('DELETE', '/me', body),

  projects: () => request<Project[]>('GET', '/projects'),
  createProject: (body: CreateProjectBody) => request<Project>('POST', '/projects', body),
  project: (projectId: string) => request<Project>('GET', project(projectId)),
  updateProject: (projectId: string, patch: UpdateProjectBody) => request<Project>('PATCH', project(projectId), patch),
  /** Erases the project with everything in it; `confirmName` is its exact name. */
  deleteProject: (projectId: string, body: DeleteProjectBody) => request<void>('DELETE', project(projectId), body),
  acknowledgeMembership: (projectId: string) => request<void>('POST', `${project(projectId)}/membership/acknowledge`),
  leaveProject: (projectId: string) => request<void>('DELETE', `${project(projectId)}/membership`),

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
  /** Erases the transcript with every coding of it, the consensus and its decisions. */
  deleteDocument: (projectId: string, documentId: string) => request<void>('DELETE', transcript(projectId, documentId)),
  codings: (projectId: string, documentId: string, layer: LayerSelector) =>
    request<CodingView[]>(
      'GET',
      `${project(projectId)}/documents/${encodeURIComponent(documentId)}/codings?layer=${encodeURIComponent(layer)}`,
    ),
  progress: (projectId: string) => request<ProgressRow[]>('GET', `${project(projectId)}/progress`),

  importProject: (file: File, onProgress?: UploadProgress) => upload<ImportedProject>('/projects/import', fileForm({ file }), onProgress),
  /** One or more transcript files; the answer has one result per file (the server's 207). */
  importDocuments: (projectId: string, input: { files: File[]; attributes?: File; speakerPattern?: string }, onProgress?: UploadProgress) =>
    upload<DocumentImportResult[]>(
      `${project(projectId)}/documents/import`,
      fileForm({
        file: input.files,
        attributes: input.attributes,
        speakerPattern: input.speakerPattern,
      }),
      onProgress,
    ),
  previewDocument: (projectId: string, file: File, speakerPattern?: string) =>
    upload<DocumentPreview>(`${project(projectId)}/documents/preview`, fileForm({ file, speakerPattern })),
  pseudonyms: (projectId: string) => request<PseudonymMapping>('GET', `${project(projectId)}/pseudonyms`),
  putPseudonyms: (projectId: string, body: PutPseudonymsBody) => request<PseudonymMapping>('PUT', `${project(projectId)}/pseudonyms`, body),
  exportFile: (projectId: string, query: ExportQuery) => {
    const parameters = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return download(`${project(projectId)}/export?${parameters}`, `export.${query.format}`);
  },

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
