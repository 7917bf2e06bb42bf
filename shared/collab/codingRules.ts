/**
 * The per-field rules of a stored coding (SPEC K1–K4), pure and shared: the websocket coding
 * validation applies them to every field an update writes, and REST can apply them to what it is
 * about to store. Each rule returns a typed problem naming the rule and the field, or null.
 *
 * - K1 range: `start`/`end` are encoded Yjs relative positions that decode completely.
 * - K2 code: `codeId` names a code of the project's codebook.
 * - K3 author: `createdBy` is the writer and is never changed to someone else.
 * - K4 fields: only the fields of {@link StoredCoding}, each with its type and bounds.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import type { StoredCoding } from './schema';

export type CodingRule = 'K1' | 'K2' | 'K3' | 'K4';

export interface CodingProblem {
  rule: CodingRule;
  /** The field of the coding, or `coding` for the coding as a whole. */
  field: string;
  message: string;
}

export type CodingField = Exclude<keyof StoredCoding, 'id'>;

/** Every field a stored coding may have (its id is the key it is stored under); a record, so none is missed. */
const knownFields: Record<CodingField, true> = {
  codeId: true,
  start: true,
  end: true,
  quote: true,
  lastStart: true,
  lastEnd: true,
  memo: true,
  createdAt: true,
  createdBy: true,
  orphaned: true,
};
export const codingFields = Object.keys(knownFields) as CodingField[];

/** Fields a new coding must carry from its first write, so no reader ever sees a coding without them. */
export const requiredCodingFields = ['codeId', 'start', 'end', 'createdBy'] as const satisfies readonly CodingField[];

export interface CodingFieldLimits {
  memoMaxChars: number;
  /** A quote is words of one transcript, so the transcript's cap bounds it. */
  quoteMaxChars: number;
}

/** An ISO 8601 timestamp as `Date.prototype.toISOString` writes it, with or without milliseconds. */
const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

const problem = (rule: CodingRule, field: string, message: string): CodingProblem => ({ rule, field, message });

const describe = (value: unknown): string => (value instanceof Uint8Array ? 'binary' : value === null ? 'null' : typeof value);

/**
 * K1: an anchor is an encoded relative position (a `Uint8Array`) that `Y.decodeRelativePosition`
 * decodes completely: one of its three forms, an optional association, and nothing after it.
 * (That `start` comes before `end` in the text can only be judged against a transcript, by
 * `anchorRange` in codings.ts.)
 */
export function anchorProblem(field: 'start' | 'end', value: unknown): CodingProblem | null {
  if (!(value instanceof Uint8Array)) return problem('K1', field, `${field} must be an encoded relative position (binary), not ${describe(value)}`);
  try {
    const decoder = decoding.createDecoder(value);
    const form = decoding.readVarUint(decoder);
    if (form === 0 || form === 2) {
      // An item id or the id of the item holding the type: client and clock.
      decoding.readVarUint(decoder);
      decoding.readVarUint(decoder);
    } else if (form === 1) {
      decoding.readVarString(decoder);
    } else {
      return problem('K1', field, `${field} is not a relative position (unknown form ${form})`);
    }
    if (decoding.hasContent(decoder)) decoding.readVarInt(decoder);
    if (decoding.hasContent(decoder)) return problem('K1', field, `${field} has ${value.length - decoder.pos} bytes after its relative position`);
    Y.decodeRelativePosition(value);
  } catch (error) {
    return problem('K1', field, `${field} does not decode as a relative position: ${String(error)}`);
  }
  return null;
}

/** K2: the code is one of `codeIds` (the codes a coding of this project may name). */
export function codeProblem(value: unknown, codeIds: Pick<ReadonlySet<string>, 'has'>): CodingProblem | null {
  if (typeof value !== 'string') return problem('K2', 'codeId', `codeId must be a string, not ${describe(value)}`);
  if (!codeIds.has(value)) return problem('K2', 'codeId', `codeId ${JSON.stringify(value.slice(0, 80))} is not a code of this project's codebook`);
  return null;
}

/**
 * K3: `createdBy` is `author`, the one person who may write it: a coder in their own layer, the
 * writing user in the consensus layer, and for a coding that exists already its current author.
 */
export function authorProblem(value: unknown, author: string): CodingProblem | null {
  if (typeof value !== 'string') return problem('K3', 'createdBy', `createdBy must be a string, not ${describe(value)}`);
  if (value !== author) return problem('K3', 'createdBy', `createdBy ${JSON.stringify(value.slice(0, 80))} is not ${JSON.stringify(author)}, who writes it`);
  return null;
}

/** K4 for the fields without a rule of their own: type and bounds; and no field outside the model. */
export function fieldProblem(field: string, value: unknown, limits: CodingFieldLimits): CodingProblem | null {
  const string = (max: number, what: string) => {
    if (typeof value !== 'string') return problem('K4', field, `${field} must be a string, not ${describe(value)}`);
    if (value.length > max) return problem('K4', field, `${field} has ${value.length} characters; ${what} allows at most ${max}`);
    return null;
  };
  switch (field) {
    case 'memo':
      return string(limits.memoMaxChars, 'a memo');
    case 'quote':
      return string(limits.quoteMaxChars, 'a quote');
    case 'lastStart':
    case 'lastEnd':
      return Number.isSafeInteger(value) && (value as number) >= 0
        ? null
        : problem('K4', field, `${field} must be a non-negative integer offset, not ${JSON.stringify(value) ?? describe(value)}`);
    case 'orphaned':
      return typeof value === 'boolean' ? null : problem('K4', field, `orphaned must be a boolean, not ${describe(value)}`);
    case 'createdAt':
      return typeof value === 'string' && value.length <= 40 && isoTimestamp.test(value) && !Number.isNaN(Date.parse(value))
        ? null
        : problem('K4', field, 'createdAt must be an ISO 8601 timestamp such as 2024-05-01T09:30:00.000Z');
    default:
      return Object.hasOwn(knownFields, field)
        ? null
        : problem('K4', field, `${JSON.stringify(field.slice(0, 80))} is not a field of a coding (known: ${codingFields.join(', ')})`);
  }
}

export interface CodingFieldContext {
  limits: CodingFieldLimits;
  /** Code ids a coding may name (K2). */
  codeIds: Pick<ReadonlySet<string>, 'has'>;
  /** Who `createdBy` must be (K3). */
  author: string;
}

/** The problem of one field and value under the rule that governs that field. */
export function codingFieldProblem(field: string, value: unknown, context: CodingFieldContext): CodingProblem | null {
  switch (field) {
    case 'start':
    case 'end':
      return anchorProblem(field, value);
    case 'codeId':
      return codeProblem(value, context.codeIds);
    case 'createdBy':
      return authorProblem(value, context.author);
    default:
      return fieldProblem(field, value, context.limits);
  }
}

/** The rule a missing required field breaks, for a new coding that lacks it. */
export function missingFieldProblem(field: (typeof requiredCodingFields)[number]): CodingProblem {
  const rule: CodingRule = field === 'codeId' ? 'K2' : field === 'createdBy' ? 'K3' : 'K1';
  return problem(rule, field, `a new coding must carry ${field} from its first write`);
}
