/**
 * The REST side of SPEC A12: a request that changes something and rides on the session cookie
 * must come from this site. (SameSite=Lax does not stop a page on another port of the same host.)
 * Bearer-token requests and reads are not affected.
 */
import type { RequestHandler } from 'express';
import { cookieOriginAllowed } from '../auth/originCheck';
import { forbidden } from '../errors';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameOriginWrites(publicOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (safeMethods.has(req.method) || req.headers.authorization) return next();
    if (cookieOriginAllowed(req.headers, publicOrigins)) return next();
    next(forbidden(`cross-site request from ${String(req.headers.origin)} refused: use this site, or a bearer token`, 'cross_site_request'));
  };
}
