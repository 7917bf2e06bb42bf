/** Every REST error leaves as `{"error": {"code", "message"}}` with the status its kind maps to. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DomainError, type DomainErrorKind, notFound } from '../errors';

const statusOf: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported: 415,
  rate_limited: 429,
};

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(notFound(`no API route ${req.method} ${req.path}`));
};

export function errorHandler(log: (message: string) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (error instanceof DomainError) {
      res.status(statusOf[error.kind]).json({ error: { code: error.code, message: error.message } });
      return;
    }
    // body-parser errors carry a status and a type.
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'body_too_large', message: 'request body exceeds the size limit' } });
      return;
    }
    if (type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'malformed_json', message: `request body is not valid JSON: ${error.message}` } });
      return;
    }
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status < 500) {
      res.status(status).json({ error: { code: type ?? 'invalid_request', message: String(error.message) } });
      return;
    }
    log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    res.status(500).json({ error: { code: 'internal', message: 'internal server error' } });
  };
}
