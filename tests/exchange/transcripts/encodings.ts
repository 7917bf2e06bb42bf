/** Test fixtures as bytes: the same words in each encoding a transcript file may come in. */
import { expect } from 'vitest';
import { DomainError } from '../../../server/errors';

export const utf8 = (text: string) => new TextEncoder().encode(text);
export const utf8WithBom = (text: string) => new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
export const utf16le = (text: string) => new Uint8Array(Buffer.from(`\ufeff${text}`, 'utf16le'));
export function utf16be(text: string): Uint8Array {
  const bytes = utf16le(text);
  for (let index = 0; index + 1 < bytes.length; index += 2) [bytes[index], bytes[index + 1]] = [bytes[index + 1], bytes[index]];
  return bytes;
}

export const encodings = { 'UTF-8': utf8, 'UTF-8 with BOM': utf8WithBom, 'UTF-16 LE': utf16le, 'UTF-16 BE': utf16be };

/** Runs `action` and checks it refuses with a DomainError of this code whose message contains `messagePart`. */
export async function expectRefusal(action: () => unknown, code: string, messagePart?: string | RegExp): Promise<DomainError> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a refusal with code ${code}`).toBeInstanceOf(DomainError);
  const error = caught as DomainError;
  expect(error.code).toBe(code);
  if (messagePart !== undefined) expect(error.message).toMatch(messagePart);
  return error;
}
