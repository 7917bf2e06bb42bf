/**
 * Cross-site websocket hijacking (SPEC A12): a browser attaches the session cookie to a websocket
 * opened by any page, so a cookie-authenticated socket is accepted only from this site's own
 * origin — the configured public origins (`COCODE_PUBLIC_URL`), or else the origin of the host the
 * request was made to. Clients with a bearer token (scripts, y-websocket tools) are not affected,
 * and neither are non-browser clients, which send no Origin header.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** `https://cocode.example.org/` and `https://cocode.example.org` name the same origin. */
export function normaliseOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

export function cookieOriginAllowed(headers: IncomingHttpHeaders, publicOrigins: readonly string[]): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const normalised = normaliseOrigin(origin);
  if (normalised === null) return false;
  if (publicOrigins.length > 0) return publicOrigins.includes(normalised);
  return new URL(normalised).host === headers.host;
}
