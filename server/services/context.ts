/** What every domain service is built from: the relational store, the live documents and the config. */
import type { ErasureScope } from '../collab/erasedDocuments';
import type { DocumentGateway } from '../collab/gateway';
import type { CocodeConfig } from '../config';
import type { RelationalStore } from '../storage/types';

export interface ServiceContext {
  store: RelationalStore;
  gateway: DocumentGateway;
  config: CocodeConfig;
  /** Called after a change that can narrow someone's access, so open connections are re-checked (SPEC A3). */
  accessChanged(projectId: string): Promise<void>;
  /** Called after credentials ended (sign-out, revocation, password change): their connections close at once (SPEC A9). */
  credentialsRevoked(tokenHashes: string[]): Promise<void>;
  /**
   * Erases every document of the scope, stored and live, on every instance: open connections are
   * closed with 4410, nothing of them is written back (SPEC E2, E3). Resolves once this instance's
   * copy of them is erased.
   */
  eraseDocuments(scope: ErasureScope): Promise<void>;
}
