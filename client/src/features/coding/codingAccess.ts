/** What this person may see and change in the coding view, from their role and the blind setting. */
import type { Member, Project } from '../../../../shared/api/responses';
import { decide, type Operation, type ResourceKind } from '../../../../shared/authz';
import { consensusLayerId } from '../../../../shared/collab/layers';
import type { LayerSpec } from '../../collab/codingModel';

const allowed = (project: Project, resource: ResourceKind, operation: Operation) =>
  decide({ role: project.role, resource, operation, blind: project.blind }).allowed;

export interface CodingAccess {
  editTranscript: boolean;
  createCodes: boolean;
  codeOwnLayer: boolean;
  codeConsensus: boolean;
  /** Blind mode hides other coders' layers and the consensus from this person. */
  blindHidden: boolean;
}

export function codingAccess(project: Project): CodingAccess {
  return {
    editTranscript: allowed(project, 'transcript', 'write'),
    createCodes: allowed(project, 'codebook', 'write'),
    codeOwnLayer: allowed(project, 'own-layer', 'write'),
    codeConsensus: allowed(project, 'consensus', 'write'),
    blindHidden: project.blind && !decide({ role: project.role, resource: 'other-layer', operation: 'read', blind: true }).allowed,
  };
}

/** The layers this person sees: their own (unless a viewer), other coders' where allowed, and the consensus. */
export function layerSpecs(project: Project, members: Member[], meId: string): LayerSpec[] {
  const specs: LayerSpec[] = [];
  if (project.role !== 'viewer') specs.push({ id: meId, kind: 'mine', label: 'My codings', writable: allowed(project, 'own-layer', 'write') });
  if (allowed(project, 'other-layer', 'read'))
    for (const member of members)
      if (member.userId !== meId && member.role !== 'viewer') specs.push({ id: member.userId, kind: 'coder', label: member.name, writable: false });
  if (allowed(project, 'consensus', 'read'))
    specs.push({ id: consensusLayerId, kind: 'consensus', label: 'Consensus', writable: allowed(project, 'consensus', 'write') });
  return specs;
}
