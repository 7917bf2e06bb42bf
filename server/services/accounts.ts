/** Accounts and credentials (SPEC A1, A5, A6): registration, sign-in, tokens, sign-out. */
import { randomUUID } from 'node:crypto';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { RateLimiter } from '../auth/rateLimit';
import { hashToken, newToken } from '../auth/tokens';
import type { CocodeConfig } from '../config';
import { conflict, forbidden, invalid, rateLimited, unauthenticated } from '../errors';
import type { RelationalStore, UserRecord } from '../storage/types';

const minuteMs = 60_000;

export class AccountService {
  private readonly loginPerIp: RateLimiter;
  private readonly loginPerAccount: RateLimiter;

  constructor(
    private readonly store: RelationalStore,
    private readonly config: CocodeConfig,
  ) {
    this.loginPerIp = new RateLimiter(config.limits.loginAttemptsPerMinutePerIp, minuteMs);
    this.loginPerAccount = new RateLimiter(config.limits.loginAttemptsPerMinutePerAccount, minuteMs);
  }

  /** The first account is the instance admin; later ones need an invitation unless registration is open. */
  async register(input: { email: string; password: string; name: string }): Promise<UserRecord> {
    const email = input.email.trim().toLowerCase();
    const { passwordMinChars } = this.config.limits;
    if (input.password.length < passwordMinChars) throw invalid(`password must be at least ${passwordMinChars} characters`, 'weak_password');
    const isFirst = (await this.store.countUsers()) === 0;
    if (!isFirst && !this.config.openRegistration && !(await this.store.hasInvitation(email)))
      throw forbidden('registration is by project invitation: ask a project owner to invite this email');
    if (await this.store.getUserByEmail(email)) throw conflict('an account with this email already exists', 'email_taken');
    const user: UserRecord = { id: randomUUID(), email, name: input.name.trim(), isAdmin: isFirst, createdAt: new Date().toISOString() };
    await this.store.createUser({ ...user, passwordHash: await hashPassword(input.password) });
    await this.store.acceptInvitations(email, user.id);
    return user;
  }

  async login(input: { email: string; password: string }, clientIp: string): Promise<UserRecord> {
    const email = input.email.trim().toLowerCase();
    if (!this.loginPerIp.attempt(clientIp) || !this.loginPerAccount.attempt(email))
      throw rateLimited('too many sign-in attempts; wait a minute and try again');
    const user = await this.store.getUserByEmail(email);
    // Verify against a dummy hash for unknown emails too, so timing does not reveal accounts (SPEC A5).
    const ok = await verifyPassword(input.password, user?.passwordHash ?? dummyHash);
    if (!user || !ok) throw unauthenticated('wrong email or password');
    const { passwordHash: _secret, ...record } = user;
    return record;
  }

  async issueToken(userId: string, kind: 'session' | 'api'): Promise<string> {
    const { token, hash } = newToken();
    await this.store.createToken(hash, userId, kind, Date.now() + this.config.sessionTtlMs);
    return token;
  }

  /** Ends the session or API token the request was made with. */
  async logout(credential: string): Promise<void> {
    await this.store.deleteToken(hashToken(credential));
  }
}

// A valid scrypt hash of a random password, used to spend the same time on unknown emails.
const dummyHash = await hashPassword(newToken().token);
