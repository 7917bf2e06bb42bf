/**
 * Accounts and credentials (SPEC A1, A5–A9): registration, sign-in, tokens, sign-out, password
 * change and account deletion. Every way a credential ends closes its live connections at once.
 */
import { randomUUID } from 'node:crypto';
import { passwordProblem } from '../auth/passwordPolicy';
import { hashPassword, verifyPassword } from '../auth/passwords';
import { RateLimiter } from '../auth/rateLimit';
import { hashToken, newToken } from '../auth/tokens';
import { conflict, forbidden, invalid, notFound, rateLimited, unauthenticated } from '../errors';
import type { ApiTokenRecord, UserRecord } from '../storage/types';
import type { ServiceContext } from './context';

const minuteMs = 60_000;

export class AccountService {
  private readonly loginPerIp: RateLimiter;
  private readonly loginPerAccount: RateLimiter;

  constructor(private readonly context: ServiceContext) {
    const { limits } = context.config;
    this.loginPerIp = new RateLimiter(limits.loginAttemptsPerMinutePerIp, minuteMs);
    this.loginPerAccount = new RateLimiter(limits.loginAttemptsPerMinutePerAccount, minuteMs);
  }

  private get store() {
    return this.context.store;
  }

  private async assertStrong(password: string, knownWords: string[]): Promise<void> {
    const problem = await passwordProblem(password, this.context.config.limits.passwordMinChars, knownWords);
    if (problem) throw invalid(problem, 'weak_password');
  }

  /**
   * The first real account is the instance admin; later ones need an invitation unless
   * registration is open. Demo accounts are never admins, so a demo never holds the instance.
   */
  async register(input: { email: string; password: string; name: string }, options: { demo?: boolean } = {}): Promise<UserRecord> {
    const email = input.email.trim().toLowerCase();
    const name = input.name.trim();
    await this.assertStrong(input.password, [email, name]);
    const noAdminYet = (await this.store.countAdmins()) === 0;
    if (!noAdminYet && !this.context.config.openRegistration && !(await this.store.hasInvitation(email)))
      throw forbidden('registration is by project invitation: ask a project owner to invite this email');
    if (await this.store.getUserByEmail(email)) throw conflict('an account with this email already exists', 'email_taken');
    const user: UserRecord = { id: randomUUID(), email, name, isAdmin: noAdminYet && !options.demo, createdAt: new Date().toISOString() };
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
    await this.store.createToken(hash, userId, kind, Date.now() + this.context.config.sessionTtlMs);
    return token;
  }

  /** Ends the session or API token the request was made with, and its live connections (SPEC A9). */
  async logout(credential: string): Promise<void> {
    const hash = hashToken(credential);
    await this.store.deleteToken(hash);
    await this.context.credentialsRevoked([hash]);
  }

  listApiTokens(actor: UserRecord): Promise<ApiTokenRecord[]> {
    return this.store.listApiTokens(actor.id);
  }

  async revokeApiToken(actor: UserRecord, tokenId: string): Promise<void> {
    const hash = await this.store.deleteApiToken(actor.id, tokenId);
    if (!hash) throw notFound(`no API token ${tokenId}`);
    await this.context.credentialsRevoked([hash]);
  }

  /**
   * A new password ends every other session and token of the account and closes their
   * connections; the credential the change was made with stays signed in.
   */
  async changePassword(actor: UserRecord, credential: string, input: { currentPassword: string; newPassword: string }): Promise<void> {
    await this.verifyOwnPassword(actor, input.currentPassword);
    if (input.newPassword === input.currentPassword) throw invalid('newPassword: choose a password different from the current one', 'same_password');
    await this.assertStrong(input.newPassword, [actor.email, actor.name]);
    await this.store.updatePasswordHash(actor.id, await hashPassword(input.newPassword));
    await this.context.credentialsRevoked(await this.store.deleteTokensOfUser(actor.id, hashToken(credential)));
  }

  /**
   * Erases the account's email, name and credentials (its codings stay in their projects, under a
   * former member). Refused while it is the last owner of a project, so no project is orphaned.
   */
  async deleteAccount(actor: UserRecord, input: { password: string }): Promise<void> {
    await this.verifyOwnPassword(actor, input.password);
    const soleOwnerOf: string[] = [];
    for (const project of await this.store.listProjectsForUser(actor.id)) {
      if (project.role !== 'owner') continue;
      const owners = (await this.store.listMembers(project.id)).filter((member) => member.role === 'owner');
      if (owners.length === 1) soleOwnerOf.push(project.name);
    }
    if (soleOwnerOf.length > 0)
      throw conflict(`you are the only owner of ${soleOwnerOf.map((name) => `"${name}"`).join(', ')}: make someone else owner first`, 'last_owner');
    const revoked = await this.store.deleteTokensOfUser(actor.id, null);
    await this.store.anonymiseUser(actor.id, {
      email: `deleted-${actor.id}@deleted.invalid`,
      name: 'Deleted account',
      passwordHash: await hashPassword(newToken().token),
    });
    await this.context.credentialsRevoked(revoked);
  }

  private async verifyOwnPassword(actor: UserRecord, password: string): Promise<void> {
    if (!this.loginPerAccount.attempt(actor.email)) throw rateLimited('too many password attempts; wait a minute and try again');
    const account = await this.store.getUserByEmail(actor.email);
    if (!account || !(await verifyPassword(password, account.passwordHash))) throw forbidden('the current password is not correct', 'wrong_password');
  }
}

// A valid scrypt hash of a random password, used to spend the same time on unknown emails.
const dummyHash = await hashPassword(newToken().token);
