import type { z } from 'zod';
import { badRequest } from './errors';

/** Parses a request body against a schema; the 400 message names every offending field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('request body must be a JSON object (Content-Type: application/json)');
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const details = result.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
      .join('; ');
    throw badRequest(details, 'validation_failed');
  }
  return result.data;
}
