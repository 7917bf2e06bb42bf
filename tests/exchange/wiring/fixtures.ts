/** A coded project built through the REST API, and multipart uploads and downloads with fetch. */
import type { Api, ApiResponse, TestUser } from '../../helpers/server';
import { projectWithMembers } from '../../helpers/server';

export interface UploadPart {
  field: string;
  fileName: string;
  content: string | Uint8Array;
}

/** A real multipart/form-data request, as a browser's FormData sends it. */
export async function upload<T = any>(api: Api, path: string, files: UploadPart[], fields: Record<string, string> = {}): Promise<ApiResponse<T>> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const part of files) {
    const bytes = typeof part.content === 'string' ? new TextEncoder().encode(part.content) : part.content;
    form.append(part.field, new Blob([new Uint8Array(bytes)]), part.fileName);
  }
  const response = await fetch(`${api.baseUrl}/api${path}`, {
    method: 'POST',
    headers: api.token ? { authorization: `Bearer ${api.token}` } : {},
    body: form,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

export async function download(api: Api, path: string): Promise<{ status: number; headers: Headers; bytes: Uint8Array; text: string }> {
  const response = await fetch(`${api.baseUrl}/api${path}`, { headers: api.token ? { authorization: `Bearer ${api.token}` } : {} });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, text: new TextDecoder().decode(bytes) };
}

export const interviewOne = `Interviewer: What helps you lead in the locality group?
GP: Protected time, mostly. Two sessions a week are funded 🙂 by the board.
Interviewer: And what gets in the way?
GP: The paperwork. Every decision needs three sign-offs.`;

export const interviewTwo = `Interviewer: How do practices hear about decisions?
Manager: Through the newsletter, and sometimes not at all.
Interviewer: Who chairs the meetings?
Manager: The clinical lead, when she is not covering clinics.`;

export interface CodedProject {
  owner: TestUser;
  coders: TestUser[];
  projectId: string;
  documentIds: string[];
  codeIds: Record<string, string>;
}

/** Offsets of `words` in a document's canonical text (SPEC C1). */
async function rangeOf(api: Api, projectId: string, documentId: string, words: string) {
  const { body } = await api.get(`/projects/${projectId}/documents/${documentId}`);
  const start = (body.text as string).indexOf(words);
  if (start < 0) throw new Error(`"${words}" is not in the transcript`);
  return { start, end: start + words.length };
}

/**
 * Two coders and the owner's consensus on two interviews with participant attributes: a nested
 * codebook, codings with memos, one after an astral character (so UTF-16 and code points differ).
 */
export async function codedProject(server: { url: string }, options: { blind?: boolean } = {}): Promise<CodedProject> {
  const { owner, project, members: coders } = await projectWithMembers(server, ['coder', 'coder'], { blind: false });
  const projectId = project.id as string;
  const codeIds: Record<string, string> = {};
  const code = async (name: string, parent?: string, extra: Record<string, unknown> = {}) => {
    const response = await owner.api.post(`/projects/${projectId}/codes`, { name, parentId: parent ? codeIds[parent] : undefined, ...extra });
    if (response.status !== 201) throw new Error(`code: ${JSON.stringify(response.body)}`);
    codeIds[name] = response.body.id;
  };
  await code('Enablers', undefined, { definition: 'What makes leading possible', color: '#1f77b4' });
  await code('Protected time', 'Enablers');
  await code('Barriers');
  await code('Bureaucracy', 'Barriers', { inclusion: 'forms, sign-offs' });

  const documentIds: string[] = [];
  for (const [title, text, attributes] of [
    ['P1 GP interview', interviewOne, { role: 'GP', site: 'North' }],
    ['P2 manager interview', interviewTwo, { role: 'Manager', site: 'South' }],
  ] as const) {
    const response = await owner.api.post(`/projects/${projectId}/documents`, { title, text, attributes });
    if (response.status !== 201) throw new Error(`document: ${JSON.stringify(response.body)}`);
    documentIds.push(response.body.id);
  }
  const apply = async (who: TestUser, documentIndex: number, words: string, codeName: string, memo = '', layer?: 'consensus') => {
    const documentId = documentIds[documentIndex];
    const range = await rangeOf(who.api, projectId, documentId, words);
    const response = await who.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId: codeIds[codeName], ...range, memo, layer });
    if (response.status !== 201) throw new Error(`coding: ${JSON.stringify(response.body)}`);
  };
  const [first, second] = coders;
  await apply(first, 0, 'Protected time, mostly', 'Protected time', 'time is the enabler');
  await apply(first, 0, 'by the board', 'Enablers');
  await apply(first, 0, 'Every decision needs three sign-offs', 'Bureaucracy');
  await apply(first, 1, 'Through the newsletter', 'Enablers');
  await apply(second, 0, 'Protected time', 'Protected time');
  await apply(second, 0, 'The paperwork. Every decision needs three sign-offs', 'Bureaucracy', 'two barriers in one');
  await apply(second, 1, 'sometimes not at all', 'Barriers');
  await apply(owner, 0, 'Protected time, mostly', 'Protected time', 'agreed after discussion', 'consensus');
  if (options.blind) await owner.api.patch(`/projects/${projectId}`, { blind: true });
  return { owner, coders, projectId, documentIds, codeIds };
}
