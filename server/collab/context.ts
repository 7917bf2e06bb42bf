import type { ProjectRole } from '../../shared/authz';
import type { CollabDocumentName } from '../../shared/collab/documentNames';
import type { UserRecord } from '../storage/types';

/** What the authentication extension hands to every later hook of a connection. */
export interface CollabContext {
  user: UserRecord;
  role: ProjectRole | null;
  projectId: string;
  name: CollabDocumentName;
  readOnly: boolean;
  /** SHA-256 of the credential the connection authenticated with, so ending it can close the connection (SPEC A9). */
  credentialHash: string;
}
