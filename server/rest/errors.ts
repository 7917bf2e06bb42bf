/** Every REST error leaves as `{"error": {"code", "message"}}` with a fitting HTTP status. */
import type { ErrorRequestHandler, RequestHandler } from 'express';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'invalid_request') => new HttpError(400, code, message);
export const unauthorized = (message = 'sign in first (session cookie or Authorization: Bearer <token>)') =>
  new HttpError(401, 'unauthorized', message);
export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);
export const conflict = (message: string, code = 'conflict') => new HttpError(409, code, message);

export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no API route ${req.method} ${req.path}`));
};

export function errorHandler(log: (message: string) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message } });
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
    if (typeof (error as { status?: number }).status === 'number' && (error as { status: number }).status < 500) {
      const status = (error as { status: number }).status;
      res.status(status).json({ error: { code: type ?? 'invalid_request', message: String(error.message) } });
      return;
    }
    log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    res.status(500).json({ error: { code: 'internal', message: 'internal server error' } });
  };
}
