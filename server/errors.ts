/**
 * Errors of the application's domain: services, importers and exporters throw these, and know
 * nothing of HTTP. The REST layer maps each kind to a status (server/rest/errors.ts) and the CLI to
 * an exit code, so one refusal reads the same whichever way it is reached.
 */

export type DomainErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported'
  | 'rate_limited';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    /** A stable, machine-readable code, e.g. `unknown_code` or `zip_bomb`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string, code = 'invalid_request') => new DomainError('invalid', code, message);
export const unauthenticated = (message = 'sign in first (session cookie or Authorization: Bearer <token>)') =>
  new DomainError('unauthenticated', 'unauthorized', message);
export const forbidden = (message: string, code = 'forbidden') => new DomainError('forbidden', code, message);
export const notFound = (message: string, code = 'not_found') => new DomainError('not_found', code, message);
export const conflict = (message: string, code = 'conflict') => new DomainError('conflict', code, message);
export const tooLarge = (message: string, code = 'too_large') => new DomainError('too_large', code, message);
export const unsupported = (message: string, code = 'unsupported_type') => new DomainError('unsupported', code, message);
export const rateLimited = (message: string, code = 'too_many_attempts') => new DomainError('rate_limited', code, message);
