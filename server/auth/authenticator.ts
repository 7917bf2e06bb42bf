import type { IncomingHttpHeaders } from 'node:http';
import type { RelationalStore, UserRecord } from '../storage/types';
import { credentialFromHeaders, hashToken } from './tokens';

/** Turns a bearer token or session cookie into a user (or null). */
export class Authenticator {
  constructor(readonly store: RelationalStore) {}

  async userFromToken(token: string): Promise<UserRecord | null> {
    if (!token || token.length > 200) return null;
    const userId = await this.store.getUserIdByToken(hashToken(token), Date.now());
    return userId ? this.store.getUserById(userId) : null;
  }

  async userFromCredential(explicitToken: string | null, headers: IncomingHttpHeaders): Promise<UserRecord | null> {
    const credential = explicitToken ?? credentialFromHeaders(headers);
    return credential ? this.userFromToken(credential) : null;
  }
}
