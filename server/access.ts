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

/**
 * Whether blind mode applies to `readerId` reading the layer named (null: any resource but a
 * colleague's layer): the project's setting, lifted where a revealed calibration round covers the
 * transcript with both the reader and the layer's coder among its coders (SPEC R3). REST (the
 * access service) and websocket connections (accessToDocument) both ask this function, so a reveal
 * means the same everywhere, and the rule itself stays `decide`.
 */
export async function effectiveBlind(
  store: RelationalStore,
  project: ProjectRecord,
  readerId: string,
  layer: { documentId: string; coderId: string } | null,
): Promise<boolean> {
  if (!project.blind) return false;
  if (!layer || layer.coderId === readerId) return true;
  return !(await store.revealedRoundCovers(layer.documentId, readerId, layer.coderId));
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
  const blind = await effectiveBlind(store, project, userId, name.kind === 'layer' ? name : null);
  const ask = (operation: Operation) => decide({ role, resource, operation, blind });
  return { project, role, resource, read: ask('read'), write: ask('write') };
}
