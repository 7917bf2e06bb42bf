/**
 * The merge actions: union contains each coder's ranges, intersection is contained in each,
 * accepting a coder gives exactly their codings, recode keeps the chosen version's text, and every
 * decision record holds who, when, why and what each coder had. Bad parameters are refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptedVersion,
  type DecisionContext,
  decide,
  findPassages,
  intersectionVersion,
  type MergeAction,
  type ReconcileCoding,
  ReconcileError,
  unionVersion,
} from '../../shared/reconcile/index';
import { characterMask, maskAnd, maskOr, randomTranscript } from './generators';

const context: DecisionContext = { decidedBy: 'adjudicator-1', decidedAt: '2026-03-04T10:00:00.000Z', rationale: '  Ana read the whole turn.  ' };

/** Passages with the transcript they came from, for properties over every passage of random data. */
const passagesOfRandomData = randomTranscript.map((transcript) => ({ transcript, analysis: findPassages(transcript) }));

const codingsOf = (codings: readonly ReconcileCoding[], coder: string, codeId: string) => codings.filter((c) => c.coder === coder && c.codeId === codeId);

function refusal(run: () => unknown): { code: string; field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ReconcileError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('merge action properties', () => {
  it('union contains every coder’s ranges per code, covers nothing else, and uses the fewest codings', () => {
    fc.assert(
      fc.property(passagesOfRandomData, ({ transcript, analysis }) => {
        for (const passage of analysis.passages) {
          const union = unionVersion(passage, analysis.coders);
          const members = passage.versions.flatMap((version) => version.codings);
          for (const { codeId } of passage.codes) {
            const mine = union.filter((coding) => coding.codeId === codeId);
            const expected = analysis.coders.map((coder) => characterMask(transcript.textLength, codingsOf(members, coder, codeId))).reduce(maskOr);
            expect(characterMask(transcript.textLength, mine)).toEqual(expected);
            // Fewest codings: no two of one code overlap or touch.
            for (let i = 1; i < mine.length; i++) expect(mine[i].start).toBeGreaterThan(mine[i - 1].end);
          }
          expect(new Set(union.map((coding) => coding.codeId))).toEqual(new Set(passage.codes.map((code) => code.codeId)));
        }
      }),
    );
  });

  it('intersection lies inside every coder’s ranges per code and holds all they share', () => {
    fc.assert(
      fc.property(passagesOfRandomData, ({ transcript, analysis }) => {
        for (const passage of analysis.passages) {
          const members = passage.versions.flatMap((version) => version.codings);
          const chosen = analysis.coders.slice(0, Math.max(1, analysis.coders.length - 1));
          for (const coders of [analysis.coders, chosen]) {
            const intersection = intersectionVersion(passage, coders);
            for (const { codeId } of passage.codes) {
              const mine = characterMask(transcript.textLength, intersection.filter((coding) => coding.codeId === codeId));
              const expected = coders.map((coder) => characterMask(transcript.textLength, codingsOf(members, coder, codeId))).reduce(maskAnd);
              expect(mine).toEqual(expected);
            }
            for (const coding of intersection) expect(coding.end).toBeGreaterThan(coding.start);
          }
        }
      }),
    );
  });

  it('accepting a coder gives exactly that coder’s codings; recode keeps the version’s text under one code', () => {
    fc.assert(
      fc.property(passagesOfRandomData, ({ transcript, analysis }) => {
        for (const passage of analysis.passages)
          for (const version of passage.versions) {
            const accepted = decide(analysis, passage.id, { action: 'accept-coder', coder: version.coder }, context);
            expect(accepted.consensus).toEqual(version.codings.map(({ codeId, start, end }) => ({ codeId, start, end })));
            expect(acceptedVersion(passage, version.coder)).toEqual(accepted.consensus);
            const recoded = decide(analysis, passage.id, { action: 'recode', codeId: 'delay', from: { action: 'accept-coder', coder: version.coder } }, context);
            expect(recoded.consensus.every((coding) => coding.codeId === 'delay')).toBe(true);
            expect(characterMask(transcript.textLength, recoded.consensus)).toEqual(characterMask(transcript.textLength, version.codings));
          }
      }),
    );
  });

  it('records what each coder had, byte for byte, and survives a JSON round trip', () => {
    fc.assert(
      fc.property(passagesOfRandomData, ({ analysis }) => {
        for (const passage of analysis.passages) {
          const record = decide(analysis, passage.id, { action: 'union' }, context);
          expect(JSON.parse(JSON.stringify(record))).toEqual(record);
          expect(record.coderVersions.map((version) => version.coder)).toEqual(analysis.coders);
          expect(record.coderVersions.flatMap((version) => version.codings)).toEqual(
            passage.versions.flatMap((version) => version.codings.map(({ id, codeId, start, end }) => ({ id, codeId, start, end }))),
          );
        }
      }),
    );
  });
});

describe('decisions on one passage', () => {
  const text = 'The trust board 😀 met monthly and the GP chaired it.';
  const codings: ReconcileCoding[] = [
    { id: 'a1', coder: 'ana', codeId: 'lead', start: 4, end: 22 },
    { id: 'b1', coder: 'ben', codeId: 'lead', start: 10, end: 30 },
    { id: 'b2', coder: 'ben', codeId: 'meet', start: 19, end: 30 },
  ];
  const analysis = findPassages({ textLength: text.length, text, coders: ['ana', 'ben', 'cleo'], codings });
  const [passage] = analysis.passages;

  it('writes the whole trail: action with its coders, who, when, why, kinds and every coder’s version', () => {
    expect(passage.kinds).toEqual(['missing', 'overlapping-codes', 'boundary']);
    const record = decide(analysis, passage.id, { action: 'intersection', coders: ['ana', 'ben'] }, context);
    expect(record).toEqual({
      disagreementId: passage.id,
      revision: passage.revision,
      start: 4,
      end: 30,
      kinds: ['missing', 'overlapping-codes', 'boundary'],
      action: { action: 'intersection', coders: ['ana', 'ben'] },
      rationale: 'Ana read the whole turn.',
      decidedBy: 'adjudicator-1',
      decidedAt: '2026-03-04T10:00:00.000Z',
      coderVersions: [
        { coder: 'ana', codings: [{ id: 'a1', codeId: 'lead', start: 4, end: 22 }] },
        { coder: 'ben', codings: [{ id: 'b1', codeId: 'lead', start: 10, end: 30 }, { id: 'b2', codeId: 'meet', start: 19, end: 30 }] },
        { coder: 'cleo', codings: [] },
      ],
      consensus: [{ codeId: 'lead', start: 10, end: 22 }],
    });
    // Default coders are everyone in scope, written out; cleo has nothing, so nothing is common.
    const all = decide(analysis, passage.id, { action: 'intersection' }, { ...context, rationale: '   ' });
    expect(all.action).toEqual({ action: 'intersection', coders: ['ana', 'ben', 'cleo'] });
    expect(all.consensus).toEqual([]);
    expect(all.rationale).toBeNull();
  });

  it('unions per code, accepts an empty version, discards, draws a custom range and recodes a union', () => {
    expect(decide(analysis, passage.id, { action: 'union' }, context).consensus).toEqual([
      { codeId: 'lead', start: 4, end: 30 },
      { codeId: 'meet', start: 19, end: 30 },
    ]);
    expect(decide(analysis, passage.id, { action: 'accept-coder', coder: 'cleo' }, context).consensus).toEqual([]);
    expect(decide(analysis, passage.id, { action: 'discard' }, context)).toMatchObject({ action: { action: 'discard' }, consensus: [] });
    const emoji = text.indexOf('😀');
    expect(decide(analysis, passage.id, { action: 'custom-range', codeId: 'lead', start: emoji, end: emoji + 2 }, context).consensus).toEqual([
      { codeId: 'lead', start: emoji, end: emoji + 2 },
    ]);
    const recoded = decide(analysis, passage.id, { action: 'recode', codeId: 'meet', from: { action: 'union', coders: ['ben'] } }, context);
    expect(recoded.action).toEqual({ action: 'recode', codeId: 'meet', from: { action: 'union', coders: ['ben'] } });
    expect(recoded.consensus).toEqual([{ codeId: 'meet', start: 10, end: 30 }]);
  });

  it('refuses bad parameters, an unknown or changed passage, and a missing author or time', () => {
    const emoji = text.indexOf('😀');
    const cases: [MergeAction, string, string][] = [
      [{ action: 'accept-coder', coder: 'zoe' }, 'unknown_coder', 'action.coder'],
      [{ action: 'union', coders: [] }, 'invalid_input', 'action.coders'],
      [{ action: 'intersection', coders: ['ana', 'ana'] }, 'invalid_input', 'action.coders'],
      [{ action: 'custom-range', codeId: 'lead', start: 12, end: 12 }, 'empty_range', 'action'],
      [{ action: 'custom-range', codeId: 'lead', start: 40, end: 45 }, 'out_of_range', 'action'],
      [{ action: 'custom-range', codeId: 'lead', start: 20, end: 999 }, 'out_of_range', 'action'],
      [{ action: 'custom-range', codeId: 'lead', start: emoji + 1, end: 25 }, 'splits_character', 'action'],
      [{ action: 'custom-range', codeId: '', start: 5, end: 25 }, 'invalid_input', 'action.codeId'],
      [{ action: 'recode', codeId: 'lead', from: { action: 'accept-coder', coder: 'zoe' } }, 'unknown_coder', 'action.from.coder'],
      [{ action: 'merge-everything' } as unknown as MergeAction, 'invalid_input', 'action'],
    ];
    for (const [action, code, field] of cases) expect(refusal(() => decide(analysis, passage.id, action, context)), JSON.stringify(action)).toMatchObject({ code, field });
    expect(refusal(() => decide(analysis, 'p-0000000000000000', { action: 'discard' }, context)).code).toBe('unknown_disagreement');
    expect(refusal(() => decide(analysis, passage.id, { action: 'discard' }, { ...context, expectedRevision: 'old' })).code).toBe('stale_disagreement');
    expect(decide(analysis, passage.id, { action: 'discard' }, { ...context, expectedRevision: passage.revision }).revision).toBe(passage.revision);
    expect(refusal(() => decide(analysis, passage.id, { action: 'discard' }, { ...context, decidedBy: '' })).field).toBe('decidedBy');
    expect(refusal(() => decide(analysis, passage.id, { action: 'discard' }, { ...context, decidedAt: 'yesterday' })).field).toBe('decidedAt');
  });
});
