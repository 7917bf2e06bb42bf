/**
 * Who may do what in a project, for the services: membership first (non-members learn nothing,
 * not even that a project exists), then the one decision function of shared/authz.ts (SPEC A2).
 */
import { type Decision, decide, type Operation, type ProjectRole, type ResourceKind } from '../../shared/authz';
import { effectiveBlind } from '../access';
import { forbidden, notFound } from '../errors';
import type { DocumentRecord, ProjectRecord, RelationalStore, UserRecord } from '../storage/types';

export interface Membership {
  project: ProjectRecord;
  role: ProjectRole;
  /** The decision for one resource and operation in this project. */
  may(resource: ResourceKind, operation: Operation): ReturnType<typeof decide>;
  /** The read decision for one coder's layer of one transcript: a revealed calibration round can lift blind mode there (SPEC R3). */
  mayReadLayer(documentId: string, coderId: string): Promise<Decision>;
}

export class AccessService {
  constructor(private readonly store: RelationalStore) {}

  async membership(actor: UserRecord, projectId: string): Promise<Membership> {
    const project = await this.store.getProject(projectId);
    const role = project ? await this.store.getRole(projectId, actor.id) : null;
    if (!project || !role) throw notFound(`no project ${projectId}`);
    return {
      project,
      role,
      may: (resource, operation) => decide({ role, resource, operation, blind: project.blind }),
      mayReadLayer: async (documentId, coderId) =>
        decide({
          role,
          resource: coderId === actor.id ? 'own-layer' : 'other-layer',
          operation: 'read',
          blind: await effectiveBlind(this.store, project, actor.id, { documentId, coderId }),
        }),
    };
  }

  /** The membership, after refusing with 403 unless the actor may do `operation` on `resource`. */
  async authorize(actor: UserRecord, projectId: string, resource: ResourceKind, operation: Operation, refusal?: (reason: string) => string) {
    const membership = await this.membership(actor, projectId);
    const decision = membership.may(resource, operation);
    if (!decision.allowed) throw forbidden(refusal ? refusal(decision.reason) : decision.reason);
    return membership;
  }

  /** A document of a project the actor is a member of; 404 for anything else. */
  async document(actor: UserRecord, projectId: string, documentId: string): Promise<{ document: DocumentRecord } & Membership> {
    const document = await this.store.getDocument(documentId);
    if (!document || document.projectId !== projectId) throw notFound(`no document ${documentId}`);
    return { document, ...(await this.membership(actor, projectId)) };
  }
}
