/** `/auth/*` and `/me`: registration, sign-in, sign-out and tokens (SPEC A1, A5, A6). */
import { type CookieOptions, type RequestHandler, Router } from 'express';
import type { RequestSchemas } from '../../shared/api/requests';
import { credentialFromHeaders, sessionCookieName } from '../auth/tokens';
import type { Services } from '../services';
import { actor } from './authenticate';
import { parseBody } from './validation';

export function authRoutes({ accounts }: Services, schemas: RequestSchemas, sessionTtlMs: number, requireUser: RequestHandler) {
  const router = Router();
  const cookie = (secure: boolean): CookieOptions => ({ httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: sessionTtlMs });

  router.post('/auth/register', async (req, res) => {
    const user = await accounts.register(parseBody(schemas.register, req.body));
    const token = await accounts.issueToken(user.id, 'session');
    res.cookie(sessionCookieName, token, cookie(req.secure));
    res.status(201).json({ user, token });
  });

  router.post('/auth/login', async (req, res) => {
    const user = await accounts.login(parseBody(schemas.login, req.body), req.ip ?? 'unknown');
    const token = await accounts.issueToken(user.id, 'session');
    res.cookie(sessionCookieName, token, cookie(req.secure));
    res.json({ user, token });
  });

  router.post('/auth/logout', async (req, res) => {
    const credential = credentialFromHeaders(req.headers);
    if (credential) await accounts.logout(credential);
    res.clearCookie(sessionCookieName, { path: '/' });
    res.status(204).end();
  });

  router.get('/me', requireUser, (req, res) => {
    res.json({ user: actor(req) });
  });

  /** Erases the account (SPEC A9): confirmed with the password; its codings stay in their projects. */
  router.delete('/me', requireUser, async (req, res) => {
    await accounts.deleteAccount(actor(req), parseBody(schemas.deleteAccount, req.body));
    res.clearCookie(sessionCookieName, { path: '/' });
    res.status(204).end();
  });

  router.post('/auth/password', requireUser, async (req, res) => {
    const body = parseBody(schemas.changePassword, req.body);
    await accounts.changePassword(actor(req), credentialFromHeaders(req.headers) ?? '', body);
    res.status(204).end();
  });

  /** A long-lived bearer token for scripts (the session cookie is for browsers). */
  router.post('/auth/tokens', requireUser, async (req, res) => {
    res.status(201).json({ token: await accounts.issueToken(actor(req).id, 'api') });
  });

  router.get('/auth/tokens', requireUser, async (req, res) => {
    res.json(await accounts.listApiTokens(actor(req)));
  });

  router.delete('/auth/tokens/:tokenId', requireUser, async (req, res) => {
    await accounts.revokeApiToken(actor(req), String(req.params.tokenId));
    res.status(204).end();
  });

  return router;
}
