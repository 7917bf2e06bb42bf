import type { Request, RequestHandler } from 'express';
import type { Authenticator } from '../auth/authenticator';
import type { UserRecord } from '../storage/types';
import { unauthenticated } from '../errors';

/** Resolves the bearer token or session cookie; routes behind it can rely on `actor(req)`. */
export function requireUser(authenticator: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    try {
      const user = await authenticator.userFromCredential(null, req.headers);
      if (!user) return next(unauthenticated());
      (req as Request & { actor?: UserRecord }).actor = user;
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function actor(req: Request): UserRecord {
  const user = (req as Request & { actor?: UserRecord }).actor;
  if (!user) throw unauthenticated();
  return user;
}
