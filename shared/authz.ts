/**
 * The single authorization decision of cocode. The Hocuspocus authentication extension, the
 * y-websocket bridge and every REST route call {@link decide}; the client calls it only to shape
 * the UI (the server's answer is the one that counts). The full matrix is written out in SPEC.md.
 */

export const projectRoles = ['owner', 'adjudicator', 'coder', 'viewer'] as const;
export type ProjectRole = (typeof projectRoles)[number];

/** What is being accessed, relative to the person asking. */
export type ResourceKind =
  | 'project-settings'
  | 'members'
  | 'codebook'
  | 'transcript'
  | 'own-layer'
  | 'other-layer'
  | 'consensus';

/** `delete` erases a whole project or transcript with everything of it (SPEC E1, E4). */
export type Operation = 'read' | 'write' | 'delete';

export interface AccessRequest {
  role: ProjectRole | null;
  resource: ResourceKind;
  operation: Operation;
  blind: boolean;
}

export type Decision = { allowed: true } | { allowed: false; reason: string };

const allow: Decision = { allowed: true };
const deny = (reason: string): Decision => ({ allowed: false, reason });

const seesEverything = (role: ProjectRole) => role === 'owner' || role === 'adjudicator';

export function decide({ role, resource, operation, blind }: AccessRequest): Decision {
  if (role === null) return deny('you are not a member of this project');
  if (operation === 'delete') {
    // Layers, the consensus and the codebook are erased with their transcript or project, never on their own.
    if (resource === 'project-settings') return role === 'owner' ? allow : deny('only project owners delete the project');
    if (resource === 'transcript') return role === 'owner' ? allow : deny('only project owners delete transcripts');
    return deny('only a whole transcript or project is deleted; its codings go with it');
  }
  const read = operation === 'read';
  switch (resource) {
    case 'project-settings':
    case 'members':
      if (read) return allow;
      return role === 'owner' ? allow : deny('only project owners change settings and members');
    case 'codebook':
      if (read) return allow;
      return seesEverything(role) ? allow : deny('only owners and adjudicators edit the codebook');
    case 'transcript':
      if (read) return allow;
      return role === 'owner' ? allow : deny('only project owners edit transcript text');
    case 'own-layer':
      if (role === 'viewer') return read ? allow : deny('viewers cannot code');
      return allow;
    case 'other-layer':
      if (!read) return deny("nobody writes another coder's layer; adjudicate into the consensus layer");
      if (seesEverything(role)) return allow;
      return blind ? deny("blind mode: other coders' codings stay hidden until the owner turns blind mode off") : allow;
    case 'consensus':
      if (seesEverything(role)) return allow;
      if (!read) return deny('only owners and adjudicators write the consensus layer');
      return blind ? deny('blind mode: the consensus layer stays hidden until the owner turns blind mode off') : allow;
  }
}
