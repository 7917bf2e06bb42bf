/**
 * Input checks shared by the passage finder and the merge actions: every refusal is a
 * ReconcileError naming the field, so REST can answer 400 with it as it is (SPEC V1).
 */
import { ReconcileError } from './types';

export function requireNonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ReconcileError('invalid_input', `${field} must be a non-empty string`, field);
  return value;
}

/** Whether `offset` falls between the two halves of a surrogate pair (an emoji or other astral character). */
export function splitsSurrogatePair(text: string, offset: number): boolean {
  if (offset <= 0 || offset >= text.length) return false;
  const before = text.charCodeAt(offset - 1);
  const after = text.charCodeAt(offset);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** A range that can be coded: integers, `0 ≤ start < end ≤ textLength`, not splitting a character. */
export function checkRange(start: unknown, end: unknown, textLength: number, text: string | null, field: string): void {
  if (!Number.isInteger(start) || !Number.isInteger(end))
    throw new ReconcileError('invalid_input', `${field}: start and end must be integers (got ${String(start)} and ${String(end)})`, field);
  const from = start as number;
  const to = end as number;
  if (from >= to) throw new ReconcileError('empty_range', `${field}: start (${from}) must be less than end (${to})`, field);
  if (from < 0 || to > textLength)
    throw new ReconcileError('out_of_range', `${field}: ${from}–${to} is outside the text (length ${textLength})`, field);
  if (text !== null)
    for (const [name, offset] of [
      ['start', from],
      ['end', to],
    ] as const)
      if (splitsSurrogatePair(text, offset))
        throw new ReconcileError('splits_character', `${field}: ${name} (${offset}) splits a surrogate pair (an emoji or other astral character)`, field);
}

/** A list of coder ids from the scope, each once and at least one. */
export function checkCoderSubset(coders: readonly unknown[], scope: readonly string[], field: string): string[] {
  if (!Array.isArray(coders) || coders.length === 0) throw new ReconcileError('invalid_input', `${field} must list at least one coder`, field);
  const seen = new Set<string>();
  for (const coder of coders) {
    if (typeof coder !== 'string' || !scope.includes(coder))
      throw new ReconcileError('unknown_coder', `${field}: ${JSON.stringify(coder)} is not a coder in scope (${scope.join(', ')})`, field);
    if (seen.has(coder)) throw new ReconcileError('invalid_input', `${field}: coder ${JSON.stringify(coder)} is listed twice`, field);
    seen.add(coder);
  }
  return [...seen];
}
