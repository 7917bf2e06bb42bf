/**
 * What the coding view derives from codings without a browser: the legend and its sub-code
 * totals, the code filter with sub-codes, and how codings look (unknown codes included).
 */
import { describe, expect, it } from 'vitest';
import type { ResolvedCoding } from '../../client/src/collab/codingLayers';
import type { Layer } from '../../client/src/collab/codingModel';
import { codeLegend, filteredCodeIds } from '../../client/src/features/coding/codeLegend';
import { decoratedCodings, stripeCodings } from '../../client/src/features/coding/codingLooks';
import { consensusLayerId } from '../../shared/collab/layers';
import { unknownCodeColour } from '../../shared/collab/palette';
import type { Code } from '../../shared/collab/schema';

const code = (id: string, name: string, parentId: string | null, order: number): Code => ({
  id,
  name,
  parentId,
  order,
  color: '#4363d8',
  definition: '',
  inclusion: '',
  exclusion: '',
  example: '',
  archived: false,
});

const codes = [code('enabler', 'Enabler', null, 0), code('time', 'Protected time', 'enabler', 0), code('backfill', 'Backfill', 'time', 0), code('barrier', 'Barrier', null, 1)];

describe('the code legend', () => {
  it('sums sub-codes into their parents and leaves out codes with nothing in view', () => {
    const legend = codeLegend(codes, [{ codeId: 'backfill' }, { codeId: 'backfill' }, { codeId: 'enabler' }]);
    expect(legend.map((entry) => [entry.codeId, entry.depth, entry.own, entry.total])).toEqual([
      ['enabler', 0, 1, 3],
      ['time', 1, 0, 2],
      ['backfill', 2, 2, 2],
    ]);
  });

  it('lists codings of codes missing from the codebook last, as unknown', () => {
    const legend = codeLegend(codes, [{ codeId: 'gone' }, { codeId: 'barrier' }]);
    expect(legend.map((entry) => [entry.name, entry.color, entry.total])).toEqual([
      ['Barrier', '#4363d8', 1],
      ['Unknown code', unknownCodeColour, 1],
    ]);
  });
});

describe('the code filter', () => {
  it('brings every sub-code of a picked code along, and is off when nothing is picked', () => {
    expect([...(filteredCodeIds(codes, new Set(['enabler'])) ?? [])].sort()).toEqual(['backfill', 'enabler', 'time']);
    expect([...(filteredCodeIds(codes, new Set(['time', 'barrier'])) ?? [])].sort()).toEqual(['backfill', 'barrier', 'time']);
    expect(filteredCodeIds(codes, new Set())).toBeNull();
  });
});

describe('how codings look', () => {
  const layer = (id: string, kind: Layer['kind'], label: string) => ({ id, kind, label }) as Layer;
  const resolved = (id: string, codeId: string, on: Layer): ResolvedCoding<Layer> => ({ id, layer: on, codeId, memo: '', quote: 'words', createdBy: on.id, start: 0, end: 5 });
  const byId = new Map(codes.map((entry) => [entry.id, entry]));
  const names: Record<string, string> = { me: 'you', ana: 'Ana Lima', [consensusLayerId]: 'Consensus' };
  const codings = [
    resolved('1', 'time', layer('me', 'mine', 'My codings')),
    resolved('2', 'gone', layer('ana', 'coder', 'Ana Lima')),
    resolved('3', 'barrier', layer(consensusLayerId, 'consensus', 'Consensus')),
  ];

  it('labels decorations with code and coder, unknown codes in the unknown colour', () => {
    expect(decoratedCodings(codings, byId, (layerId) => names[layerId]).map((entry) => [entry.label, entry.color])).toEqual([
      ['Protected time — you', '#4363d8'],
      ['Unknown code — Ana Lima', unknownCodeColour],
      ['Barrier — Consensus', '#4363d8'],
    ]);
  });

  it('marks margin stripes of other layers with the coder’s initials, the consensus with C, one’s own with none', () => {
    expect(stripeCodings(codings, byId, (layerId) => names[layerId]).map((entry) => entry.coderShort)).toEqual([null, 'AL', 'C']);
  });
});
