/**
 * The REST client. Every call relies on the httpOnly session cookie the server sets at sign-in
 * (`credentials: 'same-origin'`); the page never sees or stores a token.
 */
import type { AgreementReport } from '../../shared/agreement/report';
import type { UnitSpec } from '../../shared/agreement/segments/units';
import type { ProjectRole } from '../../shared/authz';
import type { Code, CodeFields } from '../../shared/collab/schema';

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Project {
  id: string;
  name: string;
  blind: boolean;
  role: ProjectRole;
  createdAt: string;
}

export interface Member {
  userId: string;
  role: ProjectRole;
  name: string;
  email: string;
}

export interface Invitation {
  email: string;
  role: ProjectRole;
  createdAt: string;
}

export interface DocumentSummary {
  id: string;
  title: string;
  attributes: Record<string, string>;
  createdAt: string;
}

export interface CodingSummary {
  id: string;
  layer: string;
  codeId: string;
}

export interface ProgressRow {
  documentId: string;
  coderId: string;
  codings: number;
}

export type { AgreementReport, UnitSpec };

/** What the agreement report is computed over; an omitted list means "all" on the server. */
export interface AgreementQuery {
  unit: UnitSpec;
  documentIds?: string[];
  coderIds?: string[];
  groupBy?: string;
  bootstrap?: { draws: number; seed: number };
}

function agreementSearch(query: AgreementQuery): string {
  const search = new URLSearchParams({ unit: query.unit.kind });
  if (query.unit.kind === 'window') search.set('size', String(query.unit.size));
  if (query.documentIds) search.set('documents', query.documentIds.join(','));
  if (query.coderIds) search.set('coders', query.coderIds.join(','));
  if (query.groupBy) search.set('groupBy', query.groupBy);
  if (query.bootstrap) {
    search.set('bootstrap', String(query.bootstrap.draws));
    search.set('seed', String(query.bootstrap.seed));
  }
  return search.toString();
}

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

export const api = {
  me: () => request<{ user: User }>('GET', '/me').then((r) => r.user),
  login: (email: string, password: string) =>
    request<{ user: User }>('POST', '/auth/login', { email, password }).then((r) => r.user),
  register: (name: string, email: string, password: string) =>
    request<{ user: User }>('POST', '/auth/register', { name, email, password }).then((r) => r.user),
  logout: () => request<void>('POST', '/auth/logout'),

  projects: () => request<Project[]>('GET', '/projects'),
  createProject: (name: string, blind: boolean) => request<Project>('POST', '/projects', { name, blind }),
  project: (projectId: string) => request<Project>('GET', project(projectId)),
  updateProject: (projectId: string, patch: { name?: string; blind?: boolean }) =>
    request<Project>('PATCH', project(projectId), patch),

  members: (projectId: string) => request<{ members: Member[]; invitations: Invitation[] }>('GET', `${project(projectId)}/members`),
  addMember: (projectId: string, email: string, role: ProjectRole) =>
    request<{ invited: boolean }>('POST', `${project(projectId)}/members`, { email, role }),
  updateMember: (projectId: string, userId: string, role: ProjectRole) =>
    request<unknown>('PATCH', `${project(projectId)}/members/${encodeURIComponent(userId)}`, { role }),
  removeMember: (projectId: string, userId: string) =>
    request<void>('DELETE', `${project(projectId)}/members/${encodeURIComponent(userId)}`),

  codes: (projectId: string) => request<Code[]>('GET', `${project(projectId)}/codes`),
  createCode: (projectId: string, fields: Partial<CodeFields> & { name: string }) =>
    request<Code>('POST', `${project(projectId)}/codes`, fields),
  updateCode: (projectId: string, codeId: string, patch: Partial<CodeFields>) =>
    request<Code>('PATCH', `${project(projectId)}/codes/${encodeURIComponent(codeId)}`, patch),
  deleteCode: (projectId: string, codeId: string) =>
    request<void>('DELETE', `${project(projectId)}/codes/${encodeURIComponent(codeId)}`),
  mergeCode: (projectId: string, codeId: string, intoCodeId: string) =>
    request<{ moved: number }>('POST', `${project(projectId)}/codes/${encodeURIComponent(codeId)}/merge`, { intoCodeId }),

  documents: (projectId: string) => request<DocumentSummary[]>('GET', `${project(projectId)}/documents`),
  document: (projectId: string, documentId: string) =>
    request<DocumentSummary>('GET', `${project(projectId)}/documents/${encodeURIComponent(documentId)}`),
  createDocument: (projectId: string, input: { title: string; text: string; attributes: Record<string, string> }) =>
    request<DocumentSummary>('POST', `${project(projectId)}/documents`, input),
  codings: (projectId: string, documentId: string, layer: 'me' | 'consensus' | 'all') =>
    request<CodingSummary[]>('GET', `${project(projectId)}/documents/${encodeURIComponent(documentId)}/codings?layer=${layer}`),
  progress: (projectId: string) => request<ProgressRow[]>('GET', `${project(projectId)}/progress`),
  agreement: (projectId: string, query: AgreementQuery) =>
    request<AgreementReport>('GET', `${project(projectId)}/agreement?${agreementSearch(query)}`),
};
