/**
 * The agreement report's query string (`GET /api/projects/:projectId/agreement?…`): encoded by the
 * client and decoded by the server with the same rules, so a parameter means one thing.
 */
import type { AlphaIntervalMethod } from '../agreement/coded/types';
import type { UnitSpec } from '../agreement/segments/units';

/** What the agreement report is computed over; an omitted list means "all". */
export interface AgreementQuery {
  unit: UnitSpec;
  documentIds?: string[];
  coderIds?: string[];
  groupBy?: string;
  /** `alphaMethod` omitted: alpha's interval resamples units (the engine's default). */
  bootstrap?: { draws: number; seed: number; alphaMethod?: AlphaIntervalMethod };
  /** A calibration round: its transcripts, coders, codes and unit, on what it froze when it closed (SPEC R3). */
  roundId?: string;
}

export const agreementQueryLimits = {
  bootstrapDrawsMin: 100,
  bootstrapDrawsMax: 10_000,
  windowCharsMin: 10,
  windowCharsMax: 1_000_000,
  windowCharsDefault: 500,
  groupByMaxChars: 100,
} as const;

/** How `alphaInterval` spells the methods in a URL, as `cocode agreement --alpha-interval` does. */
const alphaIntervalNames: Record<AlphaIntervalMethod, string> = { units: 'units', hayes_krippendorff: 'hayes-krippendorff' };

export function encodeAgreementQuery(query: AgreementQuery): string {
  // A round brings its own unit, documents and coders.
  const search = new URLSearchParams(query.roundId ? { round: query.roundId } : { unit: query.unit.kind });
  if (!query.roundId && query.unit.kind === 'window') search.set('size', String(query.unit.size));
  if (!query.roundId && query.documentIds) search.set('documents', query.documentIds.join(','));
  if (!query.roundId && query.coderIds) search.set('coders', query.coderIds.join(','));
  if (query.groupBy) search.set('groupBy', query.groupBy);
  if (query.bootstrap) {
    search.set('bootstrap', String(query.bootstrap.draws));
    search.set('seed', String(query.bootstrap.seed));
    if (query.bootstrap.alphaMethod) search.set('alphaInterval', alphaIntervalNames[query.bootstrap.alphaMethod]);
  }
  return search.toString();
}

/** A parameter that does not decode; the message names it. */
export class AgreementQueryError extends Error {}

type Parameters = Record<string, unknown>;

function listParameter(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw new AgreementQueryError(`${name} must be a comma-separated list of ids`);
  return value.split(',').map((id) => id.trim());
}

function integerParameter(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new AgreementQueryError(`${name} must be a whole number from ${min} to ${max}`);
  return parsed;
}

function alphaIntervalParameter(value: unknown, draws: number | undefined): AlphaIntervalMethod | undefined {
  if (value === undefined) return undefined;
  const method = (Object.keys(alphaIntervalNames) as AlphaIntervalMethod[]).find((key) => alphaIntervalNames[key] === value);
  if (!method) throw new AgreementQueryError('alphaInterval must be units or hayes-krippendorff');
  if (draws === undefined) throw new AgreementQueryError('alphaInterval applies only together with bootstrap');
  return method;
}

function unitParameter(kind: unknown, size: unknown): UnitSpec {
  if (kind === undefined || kind === 'turn') return { kind: 'turn' };
  if (kind === 'sentence' || kind === 'paragraph' || kind === 'document') return { kind };
  if (kind === 'window') {
    const { windowCharsMin, windowCharsMax, windowCharsDefault } = agreementQueryLimits;
    return { kind: 'window', size: integerParameter(size ?? String(windowCharsDefault), 'size', windowCharsMin, windowCharsMax) as number };
  }
  throw new AgreementQueryError('unit must be one of turn, sentence, paragraph, window, document');
}

/** Decodes parsed query parameters (Express' `req.query`); throws {@link AgreementQueryError}. */
export function decodeAgreementQuery(parameters: Parameters): AgreementQuery {
  const { bootstrapDrawsMin, bootstrapDrawsMax, groupByMaxChars } = agreementQueryLimits;
  const draws = integerParameter(parameters.bootstrap, 'bootstrap', bootstrapDrawsMin, bootstrapDrawsMax);
  const seed = integerParameter(parameters.seed, 'seed', 0, 2 ** 31 - 1) ?? 1;
  const alphaMethod = alphaIntervalParameter(parameters.alphaInterval, draws);
  const groupBy = parameters.groupBy;
  if (groupBy !== undefined && (typeof groupBy !== 'string' || groupBy.length > groupByMaxChars))
    throw new AgreementQueryError('groupBy must be a participant attribute name');
  const round = parameters.round;
  if (round !== undefined && (typeof round !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(round))) throw new AgreementQueryError('round must be a round id');
  // A round fixes what it compares; a second answer to the same question would be ambiguous.
  for (const fixed of ['unit', 'size', 'documents', 'coders'])
    if (round !== undefined && parameters[fixed] !== undefined) throw new AgreementQueryError(`${fixed}: a round's unit, documents and coders are its own; leave ${fixed} out with round`);
  return {
    roundId: round,
    unit: unitParameter(parameters.unit, parameters.size),
    documentIds: listParameter(parameters.documents, 'documents'),
    coderIds: listParameter(parameters.coders, 'coders'),
    groupBy,
    bootstrap: draws === undefined ? undefined : { draws, seed, ...(alphaMethod ? { alphaMethod } : {}) },
  };
}
