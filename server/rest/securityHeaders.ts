/**
 * Security headers on every answer (SPEC A11). The page is built by Vite into files served from
 * this origin, so scripts need no `'unsafe-inline'` and no `eval`; styles keep `'unsafe-inline'`
 * because the editor sets style attributes and injects its base stylesheet. No page may be framed:
 * the settings page holds the blind-mode switch, which clickjacking must not reach.
 */
import type { RequestHandler } from 'express';

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  // Same-origin websockets (/collab, /yjs): CSP 3 lets 'self' match ws: and wss: of this host.
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const hstsMaxAgeSeconds = 365 * 24 * 60 * 60;

export const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  // Only over HTTPS (directly, or behind a proxy on loopback that says so): HSTS on plain HTTP is ignored.
  if (req.secure) res.setHeader('Strict-Transport-Security', `max-age=${hstsMaxAgeSeconds}; includeSubDomains`);
  next();
};
