/**
 * What the REST API answers (docs/api.md): the services return these shapes and the client reads
 * them, so both sides are checked against one declaration.
 */
import type { ProjectRole } from '../authz';
import type { CodingStatus } from '../collab/codings';

export type { AgreementReport } from '../agreement/report';
export type { Code, CodeFields } from '../collab/schema';

export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAt: string;
}

export interface Project {
  id: string;
  name: string;
  blind: boolean;
  createdAt: string;
  createdBy: string;
  /** The caller's role in it. */
  role: ProjectRole;
  /** In the project list: who added the caller, until the caller acknowledges or leaves (SPEC A8). */
  addedBy?: { name: string; email: string } | null;
}

export interface Member {
  projectId: string;
  userId: string;
  role: ProjectRole;
  name: string;
  email: string;
}

export interface Invitation {
  projectId: string;
  email: string;
  role: ProjectRole;
  createdAt: string;
}

export interface Members {
  members: Member[];
  invitations: Invitation[];
}

/** The same answer whether or not the email has an account (SPEC A8). */
export interface AddedMember {
  invited: true;
  email: string;
  role: ProjectRole;
}

export interface DocumentSummary {
  id: string;
  projectId: string;
  title: string;
  /** Participant attributes, e.g. `{ role: "GP" }`. */
  attributes: Record<string, string>;
  createdAt: string;
}

export interface CreatedDocument extends DocumentSummary {
  turns: number;
  length: number;
}

export interface TurnView {
  index: number;
  speaker: string;
  timestamp: string | null;
  start: number;
  end: number;
}

export interface DocumentDetail extends DocumentSummary {
  /** The canonical text (SPEC C1). */
  text: string;
  turns: TurnView[];
}

export interface CodingView {
  id: string;
  /** The coder's user id, or `consensus`. */
  layer: string;
  coder: string;
  codeId: string;
  start: number;
  end: number;
  text: string;
  memo: string;
  createdAt: string;
  createdBy: string;
  /** `ok`; `collapsed`/`lost` (words gone, offsets are the last known ones); `pending`; `invalid` (SPEC K5). */
  status: CodingStatus;
  orphaned: boolean;
}

/** Codings per document and layer (`coderId` is `consensus` for the consensus layer). */
export interface ProgressRow {
  documentId: string;
  coderId: string;
  codings: number;
}

export interface ProjectHealth {
  brokenDocuments: { documentName: string; problem: string }[];
  quarantinedUpdates: { documentName: string; logId: number; error: string }[];
  /** Stored codings whose anchors do not decode (SPEC K5): kept and reported, left out of agreement. */
  invalidCodings: { documentName: string; codingId: string; problem: string }[];
}
