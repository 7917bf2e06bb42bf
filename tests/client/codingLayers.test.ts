/**
 * The coding view's coding rules on real Y.Docs: selections are trimmed and anchored by the shared
 * functions, stored codings resolve to ok / collapsed / invalid / pending, codes are counted per
 * layer, and boundaries move in one undoable step.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { anchorRange, codingOffsets, newCoding } from '../../shared/collab/codings';
import { consensusLayerId } from '../../shared/collab/layers';
import { getCoding, patchCoding, putCoding, readCodings, type StoredCoding, transcriptFragment, turnTextNode } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { codingLayersOf } from './fixtures';

const turns = ['So how does the board decide?', 'Honestly, we trust the GP lead 😀 with money.'];
const everyLayer = new Set(['me', 'ana', consensusLayerId]);

function created(result: ReturnType<ReturnType<typeof codingLayersOf>['model']['createCoding']>): StoredCoding {
  if (!result.created) throw new Error(`refused: ${result.refusal}`);
  return result.coding;
}

/** A coding written into a layer the way another coder's replica would: no undo history of ours. */
function writeForeignCoding(doc: Y.Doc, index: TranscriptIndex, start: number, end: number, codeId: string, id = crypto.randomUUID()): StoredCoding {
  const anchoring = anchorRange(index, start, end);
  if (!('anchors' in anchoring)) throw new Error(anchoring.refusal.message);
  const coding = newCoding({ id, codeId, anchors: anchoring.anchors, start, end, memo: '', createdBy: 'ana' });
  putCoding(doc, coding);
  return coding;
}

describe('creating codings', () => {
  it('trims the whitespace a selection swept up, then anchors the words by the shared rules', () => {
    const { model, index, docOf } = codingLayersOf(turns);
    const trust = index.text.indexOf('trust');
    const coding = created(model.createCoding('me', 'trust', trust - 4, trust + 'trust'.length + 1));
    expect(coding.quote).toBe('we trust');
    expect(coding.createdBy).toBe('me');
    expect([coding.lastStart, coding.lastEnd]).toEqual([trust - 3, trust + 5]);
    expect(codingOffsets(index, coding)).toMatchObject({ status: 'ok', start: trust - 3, end: trust + 5, text: 'we trust' });
    expect(readCodings(docOf('me')).map((stored) => stored.id)).toEqual([coding.id]);
  });

  it('refuses selections of only spaces or turn breaks, split characters and unknown layers, writing nothing', () => {
    const { model, index, docOf } = codingLayersOf(turns);
    const turnBreak = index.text.indexOf('\n');
    const space = index.text.indexOf(' we');
    expect(model.createCoding('me', 'trust', space, space + 1)).toEqual({ created: false, refusal: 'blank' });
    expect(model.createCoding('me', 'trust', turnBreak, turnBreak + 1)).toEqual({ created: false, refusal: 'blank' });
    const emoji = index.text.indexOf('😀');
    expect(model.createCoding('me', 'trust', emoji + 1, emoji + 8)).toEqual({ created: false, refusal: 'splits-character' });
    expect(model.createCoding('nobody', 'trust', 0, 5)).toEqual({ created: false, refusal: 'missing' });
    expect(readCodings(docOf('me'))).toEqual([]);
  });

  it('offers the trimmed words of a selection, or null when none are left', () => {
    const { model, index } = codingLayersOf(turns);
    const board = index.text.indexOf('board');
    expect(model.trimmedSelection(board - 1, board + 6)).toEqual({ start: board, end: board + 5, quote: 'board' });
    expect(model.trimmedSelection(board - 1, board)).toBeNull();
  });
});

describe('resolving stored codings', () => {
  it('draws codings on their words, sorted by start and longer first, from the visible layers only', () => {
    const { model, index, docOf } = codingLayersOf(turns);
    const board = index.text.indexOf('board');
    const wide = created(model.createCoding('me', 'trust', board - 4, board + 'board decide'.length));
    const narrow = writeForeignCoding(docOf('ana'), index, board, board + 5, 'money');
    const first = writeForeignCoding(docOf(consensusLayerId), index, 0, 2, 'money');
    const { resolved, unanchored } = model.resolve(everyLayer);
    expect(resolved.map((coding) => [coding.id, coding.layer.id, coding.start, coding.end])).toEqual([
      [first.id, consensusLayerId, 0, 2],
      [wide.id, 'me', board - 4, board + 12],
      [narrow.id, 'ana', board, board + 5],
    ]);
    expect(unanchored).toEqual([]);
    expect(model.resolve(new Set(['ana'])).resolved.map((coding) => coding.id)).toEqual([narrow.id]);
  });

  it('lists a coding whose words were deleted (collapsed) as unanchored, not drawn', () => {
    const { model, index, doc } = codingLayersOf(turns);
    const board = index.text.indexOf('board');
    const coding = created(model.createCoding('me', 'trust', board, board + 5));
    const firstTurn = transcriptFragment(doc).get(0);
    if (!(firstTurn instanceof Y.XmlElement)) throw new Error('no first turn');
    turnTextNode(firstTurn)?.delete(board, 5);
    const { resolved, unanchored } = model.resolve(everyLayer);
    expect(resolved).toEqual([]);
    expect(unanchored.map((entry) => [entry.id, entry.quote])).toEqual([[coding.id, 'board']]);
  });

  it('counts a coding whose anchors do not decode with the unanchored ones instead of failing', () => {
    const { model, index, docOf } = codingLayersOf(turns);
    const good = writeForeignCoding(docOf('ana'), index, 0, 2, 'money');
    const broken = writeForeignCoding(docOf('ana'), index, 3, 6, 'trust');
    patchCoding(docOf('ana'), broken.id, { start: new Uint8Array([255, 255, 255]), end: new Uint8Array([1]) });
    const { resolved, unanchored } = model.resolve(everyLayer);
    expect(resolved.map((coding) => coding.id)).toEqual([good.id]);
    expect(unanchored.map((coding) => coding.id)).toEqual([broken.id]);
  });

  it('draws an orphaned coding whose anchors still resolve and lists it for re-attaching', () => {
    const { model, index, docOf } = codingLayersOf(turns);
    const coding = created(model.createCoding('me', 'trust', 3, 6));
    patchCoding(docOf('me'), coding.id, { orphaned: true });
    const { resolved, unanchored } = model.resolve(everyLayer);
    expect(resolved.map((entry) => entry.id)).toEqual([coding.id]);
    expect(unanchored.map((entry) => entry.id)).toEqual([coding.id]);
    expect(index.text.slice(resolved[0].start, resolved[0].end)).toBe('how');
  });

  it('neither draws nor lists a coding on words this replica has not received yet (pending)', () => {
    const { model, doc, docOf } = codingLayersOf(turns);
    // Another replica of the transcript gains a turn this one has not seen; a coding anchors in it.
    const ahead = new Y.Doc();
    Y.applyUpdate(ahead, Y.encodeStateAsUpdate(doc));
    const aheadIndex = new TranscriptIndex(ahead);
    const fragment = transcriptFragment(ahead);
    const lastTurn = fragment.get(fragment.length - 1);
    if (!(lastTurn instanceof Y.XmlElement)) throw new Error('no last turn');
    turnTextNode(lastTurn)?.insert(0, 'Later words. ');
    aheadIndex.rebuild();
    const pending = writeForeignCoding(docOf('ana'), aheadIndex, aheadIndex.text.indexOf('Later'), aheadIndex.text.indexOf('Later') + 5, 'money');
    expect(codingOffsets(aheadIndex, pending).status).toBe('ok');
    expect(model.resolve(everyLayer)).toEqual({ resolved: [], unanchored: [] });
  });
});

describe('code usage per layer', () => {
  it('counts the codings of each code in one layer, through the shared codeUsage', () => {
    const { model, index, docOf } = codingLayersOf(turns);
    created(model.createCoding('me', 'trust', 0, 2));
    created(model.createCoding('me', 'trust', 3, 6));
    created(model.createCoding('me', 'money', 7, 11));
    writeForeignCoding(docOf('ana'), index, 0, 2, 'money');
    expect(Object.fromEntries(model.usage('me'))).toEqual({ trust: 2, money: 1 });
    expect(Object.fromEntries(model.usage('ana'))).toEqual({ money: 1 });
    expect(model.usage('nobody').size).toBe(0);
  });
});

describe('adjusting boundaries', () => {
  it('moves a coding onto new trimmed words, keeping its id, code, memo and author, in one undo step', () => {
    const { model, index, docOf, history } = codingLayersOf(turns);
    const board = index.text.indexOf('board');
    const coding = created(model.createCoding('me', 'trust', board, board + 5));
    model.updateCoding('me', coding.id, { memo: 'who decides' });
    const decide = index.text.indexOf('decide');
    expect(model.adjustCoding('me', coding.id, board - 4, decide + 'decide'.length + 2)).toEqual({ adjusted: true, quote: 'the board decide?' });
    const moved = getCoding(docOf('me'), coding.id);
    expect(moved).toMatchObject({ id: coding.id, codeId: 'trust', memo: 'who decides', createdBy: 'me', quote: 'the board decide?', orphaned: false });
    expect(history.undo()).toBe('adjusting “Trust”');
    expect(getCoding(docOf('me'), coding.id)).toMatchObject({ quote: 'board', memo: 'who decides' });
  });

  it('refuses the words it already covers, blank selections and removed codings with the view’s reasons', () => {
    const { model, index } = codingLayersOf(turns);
    const board = index.text.indexOf('board');
    const coding = created(model.createCoding('me', 'trust', board, board + 5));
    expect(model.adjustCoding('me', coding.id, board - 1, board + 6)).toEqual({ adjusted: false, refusal: 'unchanged' });
    const turnBreak = index.text.indexOf('\n');
    expect(model.adjustCoding('me', coding.id, turnBreak, turnBreak + 1)).toEqual({ adjusted: false, refusal: 'blank' });
    model.removeCoding('me', coding.id);
    expect(model.adjustCoding('me', coding.id, 0, 2)).toEqual({ adjusted: false, refusal: 'missing' });
  });

  it('re-attaches an orphaned coding even onto the words it still covers', () => {
    const { model, docOf } = codingLayersOf(turns);
    const coding = created(model.createCoding('me', 'trust', 3, 6));
    patchCoding(docOf('me'), coding.id, { orphaned: true });
    expect(model.adjustCoding('me', coding.id, 3, 6)).toEqual({ adjusted: true, quote: 'how' });
    expect(getCoding(docOf('me'), coding.id)?.orphaned).toBe(false);
  });
});
