/**
 * Maps a person and a collaborative document (or a project resource) to the single authorization
 * decision in shared/authz.ts. Websocket authentication, the y-websocket bridge and REST all go
 * through here, so there is exactly one answer to "may this user read/write this?".
 */
import { type Decision, decide, type Operation, type ProjectRole, type ResourceKind } from '../shared/authz';
import type { CollabDocumentName } from '../shared/collab/documentNames';
import type { ProjectRecord, RelationalStore } from './storage/types';

export interface DocumentAccess {
  project: ProjectRecord;
  role: ProjectRole | null;
  resource: ResourceKind;
  read: Decision;
  write: Decision;
}

export function resourceOf(name: CollabDocumentName, userId: string): ResourceKind {
  switch (name.kind) {
    case 'codebook':
      return 'codebook';
    case 'transcript':
      return 'transcript';
    case 'consensus':
      return 'consensus';
    case 'layer':
      return name.coderId === userId ? 'own-layer' : 'other-layer';
  }
}

export async function projectOfDocumentName(
  store: RelationalStore,
  name: CollabDocumentName,
): Promise<ProjectRecord | null> {
  if (name.kind === 'codebook') return store.getProject(name.projectId);
  const document = await store.getDocument(name.documentId);
  return document ? store.getProject(document.projectId) : null;
}

/** Null when the document does not exist (callers answer "not found" without revealing more). */
export async function accessToDocument(
  store: RelationalStore,
  userId: string,
  name: CollabDocumentName,
): Promise<DocumentAccess | null> {
  const project = await projectOfDocumentName(store, name);
  if (!project) return null;
  const role = await store.getRole(project.id, userId);
  const resource = resourceOf(name, userId);
  const ask = (operation: Operation) => decide({ role, resource, operation, blind: project.blind });
  return { project, role, resource, read: ask('read'), write: ask('write') };
}
