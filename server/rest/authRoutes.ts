import { type CookieOptions, type RequestHandler, Router } from 'express';
import { credentialFromHeaders, hashToken, sessionCookieName } from '../auth/tokens';
import type { CocodeService } from '../service';
import { actor } from './authenticate';
import type { RequestSchemas } from '../../shared/api/requests';
import { parseBody } from './validation';

export function authRoutes(service: CocodeService, schemas: RequestSchemas, sessionTtlMs: number, requireUser: RequestHandler) {
  const router = Router();
  const cookie = (secure: boolean): CookieOptions => ({
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: sessionTtlMs,
  });

  router.post('/auth/register', async (req, res) => {
    const body = parseBody(schemas.register, req.body);
    const user = await service.register(body);
    const token = await service.issueToken(user.id, 'session');
    res.cookie(sessionCookieName, token, cookie(req.secure));
    res.status(201).json({ user, token });
  });

  router.post('/auth/login', async (req, res) => {
    const body = parseBody(schemas.login, req.body);
    const user = await service.login(body, req.ip ?? 'unknown');
    const token = await service.issueToken(user.id, 'session');
    res.cookie(sessionCookieName, token, cookie(req.secure));
    res.json({ user, token });
  });

  router.post('/auth/logout', async (req, res) => {
    const credential = credentialFromHeaders(req.headers);
    if (credential) await service.store.deleteToken(hashToken(credential));
    res.clearCookie(sessionCookieName, { path: '/' });
    res.status(204).end();
  });

  router.get('/me', requireUser, (req, res) => {
    res.json({ user: actor(req) });
  });

  /** A long-lived bearer token for scripts (the session cookie is for browsers). */
  router.post('/auth/tokens', requireUser, async (req, res) => {
    res.status(201).json({ token: await service.issueToken(actor(req).id, 'api') });
  });

  return router;
}
