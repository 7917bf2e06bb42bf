import { expect } from 'vitest';
import { DomainError } from '../../../server/errors';

/** Runs `action`, expects a DomainError with this code, and returns its message for further checks. */
export function refusalOf(action: () => unknown, code: string): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe(code);
    return (error as DomainError).message;
  }
  throw new Error(`expected a refusal with code ${code}, but nothing was thrown`);
}
