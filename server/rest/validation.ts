import type { z } from 'zod';
import { type AgreementQuery, AgreementQueryError, decodeAgreementQuery } from '../../shared/api/agreementQuery';
import { invalid } from '../errors';

/** Parses a request body against a schema; the 400 message names every offending field (SPEC V1). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('request body must be a JSON object (Content-Type: application/json)');
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const details = result.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
      .join('; ');
    throw invalid(details, 'validation_failed');
  }
  return result.data;
}

/** The agreement report's query parameters, decoded by the rules the client encodes them with. */
export function parseAgreementQuery(parameters: Record<string, unknown>): AgreementQuery {
  try {
    return decodeAgreementQuery(parameters);
  } catch (error) {
    if (error instanceof AgreementQueryError) throw invalid(error.message, 'invalid_parameter');
    throw error;
  }
}
