/**
 * Per-user undo of coding actions through the coding layers: only this person's own actions are
 * undone, in the order they were made across layers, each under the name of what it did.
 */
import { describe, expect, it } from 'vitest';
import { anchorRange, newCoding } from '../../shared/collab/codings';
import { consensusLayerId } from '../../shared/collab/layers';
import { getCoding, putCoding, readCodings } from '../../shared/collab/schema';
import { codingLayersOf } from './fixtures';

const turns = ['We meet every month.', 'The practice manager keeps the minutes.'];

function createdId(result: { created: true; coding: { id: string } } | { created: false }): string {
  if (!result.created) throw new Error('refused');
  return result.coding.id;
}

describe('undo and redo of own coding actions', () => {
  it('undoes the latest action whichever layer it went to, and redoes it', () => {
    const { model, history, docOf } = codingLayersOf(turns);
    const mine = createdId(model.createCoding('me', 'trust', 0, 2));
    const agreed = createdId(model.createCoding(consensusLayerId, 'money', 3, 7));
    expect(history.state()).toEqual({ undoLabel: 'applying “Money”', redoLabel: null });
    expect(history.undo()).toBe('applying “Money”');
    expect(getCoding(docOf(consensusLayerId), agreed)).toBeNull();
    expect(getCoding(docOf('me'), mine)).not.toBeNull();
    expect(history.state()).toEqual({ undoLabel: 'applying “Trust”', redoLabel: 'applying “Money”' });
    expect(history.redo()).toBe('applying “Money”');
    expect(getCoding(docOf(consensusLayerId), agreed)).not.toBeNull();
  });

  it('never undoes what arrived from elsewhere, and says when nothing is left', () => {
    const { model, history, index, docOf } = codingLayersOf(turns);
    createdId(model.createCoding('me', 'trust', 0, 2));
    // A REST write or the anchor repair pass lands in the same layer without the coding-action origin.
    const anchoring = anchorRange(index, 3, 7);
    if (!('anchors' in anchoring)) throw new Error('refused');
    putCoding(docOf('me'), newCoding({ id: 'from-rest', codeId: 'money', anchors: anchoring.anchors, start: 3, end: 7, memo: '', createdBy: 'me' }));
    expect(history.undo()).toBe('applying “Trust”');
    expect(readCodings(docOf('me')).map((coding) => coding.id)).toEqual(['from-rest']);
    expect(history.undo()).toBeNull();
    expect(history.state().undoLabel).toBeNull();
  });

  it('names memo edits, code changes and removals; an unchanged memo adds no step', () => {
    const { model, history, docOf } = codingLayersOf(turns);
    const id = createdId(model.createCoding('me', 'trust', 0, 2));
    model.updateCoding('me', id, { memo: 'routine' });
    expect(history.state().undoLabel).toBe('the memo edit on “Trust”');
    model.updateCoding('me', id, { memo: 'routine' });
    model.updateCoding('me', id, { codeId: 'money' });
    expect(history.state().undoLabel).toBe('changing the code to “Money”');
    model.removeCoding('me', id);
    expect(history.undo()).toBe('removing “Money”');
    expect(history.undo()).toBe('changing the code to “Money”');
    expect(history.undo()).toBe('the memo edit on “Trust”');
    expect(getCoding(docOf('me'), id)).toMatchObject({ codeId: 'trust', memo: '' });
  });

  it('keeps no history for layers this person only reads', () => {
    const { model, history, docOf } = codingLayersOf(turns, [
      { id: 'me', kind: 'mine', writable: true },
      { id: 'ana', kind: 'coder', writable: false },
    ]);
    createdId(model.createCoding('ana', 'trust', 0, 2));
    expect(readCodings(docOf('ana'))).toHaveLength(1);
    expect(history.state().undoLabel).toBeNull();
    expect(history.undo()).toBeNull();
  });

  it('starts the redo chain over when a new action follows an undo', () => {
    const { model, history } = codingLayersOf(turns);
    createdId(model.createCoding('me', 'trust', 0, 2));
    expect(history.undo()).toBe('applying “Trust”');
    createdId(model.createCoding(consensusLayerId, 'money', 3, 7));
    expect(history.state().redoLabel).toBeNull();
    expect(history.redo()).toBeNull();
  });
});
