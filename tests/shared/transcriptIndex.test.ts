/**
 * SPEC C1–C2: offsets, relative positions and ProseMirror positions convert into each other, and
 * random concurrent edits from several clients keep every coding on its own words (or shrink it
 * when its words are deleted), never on other words, identically on every replica.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendTurns, transcriptFragment, turnTextNode } from '../../shared/collab/schema';
import { endAssoc, startAssoc, TranscriptIndex } from '../../shared/collab/transcriptIndex';

function transcriptDoc(turns: string[]): Y.Doc {
  const doc = new Y.Doc();
  appendTurns(doc, turns.map((text, i) => ({ speaker: `S${i}`, timestamp: null, text })));
  return doc;
}

function syncAll(docs: Y.Doc[]) {
  for (const from of docs) for (const to of docs) if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

describe('TranscriptIndex conversions', () => {
  it('[C1] canonical text joins turns with \\n and counts UTF-16 code units', () => {
    const index = new TranscriptIndex(transcriptDoc(['Hello world', '', 'a😀b']));
    expect(index.text).toBe('Hello world\n\na😀b');
    expect(index.length).toBe(17);
    expect(index.turnAt(11)).toBe(0);
    expect(index.turnAt(12)).toBe(1);
    expect(index.turnAt(13)).toBe(2);
    expect(index.splitsSurrogatePair(14)).toBe(false);
    expect(index.splitsSurrogatePair(15)).toBe(true);
  });

  it('[C1] offset → relative position → offset round-trips for every offset and both anchor kinds', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 6 }), (turns) => {
        const index = new TranscriptIndex(transcriptDoc(turns));
        for (let offset = 0; offset <= index.length; offset += 1) {
          const start = index.relativeFromOffset(offset, startAssoc);
          const end = index.relativeFromOffset(offset, endAssoc);
          // Anchors at a turn break are normalised across the "\n"; elsewhere they are exact.
          if (start) {
            const resolved = index.resolve(start) as number;
            expect(resolved === offset || index.text.slice(offset, resolved).replace(/\n/g, '') === '').toBe(true);
          }
          if (end) {
            const resolved = index.resolve(end) as number;
            expect(resolved === offset || index.text.slice(resolved, offset).replace(/\n/g, '') === '').toBe(true);
          }
        }
      }),
    );
  });

  it('[C1] pm = offset + turn index + 1 for every offset', () => {
    const index = new TranscriptIndex(transcriptDoc(['ab', 'cde', '', 'f']));
    const expected = [1, 2, 3, 5, 6, 7, 8, 10, 12, 13];
    expect([...Array(index.length + 1).keys()].map((offset) => index.pmFromOffset(offset))).toEqual(expected);
    expect(index.offsetFromPm(1, 2)).toBe(5);
  });

  it('[C2] typing at either boundary does not extend a coding; typing inside grows it', () => {
    const doc = transcriptDoc(['Hello world, this is it']);
    const index = new TranscriptIndex(doc);
    const start = index.encodeAnchor(6, startAssoc) as Uint8Array;
    const end = index.encodeAnchor(11, endAssoc) as Uint8Array;
    const text = turnTextNode(transcriptFragment(doc).get(0) as Y.XmlElement) as Y.XmlText;
    text.insert(11, 'XX');
    text.insert(6, 'YY');
    index.rebuild();
    let resolved = index.resolveAnchors(start, end);
    expect(index.text.slice(resolved.start, resolved.end)).toBe('world');
    text.insert(10, 'ZZ');
    index.rebuild();
    resolved = index.resolveAnchors(start, end);
    expect(index.text.slice(resolved.start, resolved.end)).toBe('woZZrld');
  });

  it('[C2] an anchor into text this replica has not received is pending, not lost', () => {
    const server = transcriptDoc(['Hello']);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(server));
    const text = turnTextNode(transcriptFragment(server).get(0) as Y.XmlElement) as Y.XmlText;
    text.insert(5, ' new words');
    const serverIndex = new TranscriptIndex(server);
    const start = serverIndex.encodeAnchor(6, startAssoc) as Uint8Array;
    const end = serverIndex.encodeAnchor(15, endAssoc) as Uint8Array;
    expect(new TranscriptIndex(replica).resolveAnchors(start, end).status).toBe('pending');
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(server));
    const index = new TranscriptIndex(replica);
    const resolved = index.resolveAnchors(start, end);
    expect(resolved.status).toBe('ok');
    expect(index.text.slice(resolved.start, resolved.end)).toBe('new words');
  });
});

// Original characters are unique CJK ideographs, inserted ones are Latin letters, so the words a
// coding covers can be identified exactly after any interleaving of edits.
const firstOriginal = 0x4e00;
const isOriginal = (char: string) => char.charCodeAt(0) >= firstOriginal;

const editArbitrary = fc.record({
  client: fc.integer({ min: 0, max: 2 }),
  kind: fc.constantFrom('insert', 'delete'),
  turn: fc.double({ min: 0, max: 0.999, noNaN: true }),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  size: fc.double({ min: 0, max: 1, noNaN: true }),
  text: fc.string({ minLength: 1, maxLength: 4, unit: fc.constantFrom('a', 'b', 'c', ' ') }),
});

describe('codings under concurrent edits (property)', () => {
  it('[C2] random edits from three clients keep every coding on its own words on every replica', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.array(editArbitrary, { maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        (turnLengths, codingSpots, rounds) => {
          let next = firstOriginal;
          const turns = turnLengths.map((length) => Array.from({ length }, () => String.fromCharCode(next++)).join(''));
          const server = transcriptDoc(turns);
          const clients = [0, 1, 2].map(() => {
            const doc = new Y.Doc();
            Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
            return doc;
          });
          const serverIndex = new TranscriptIndex(server);
          const codings = codingSpots
            .map(([a, b]) => {
              const start = Math.floor(Math.min(a, b) * serverIndex.length);
              const end = Math.ceil(Math.max(a, b) * serverIndex.length);
              const quote = serverIndex.text.slice(start, end);
              const anchorStart = serverIndex.encodeAnchor(start, startAssoc);
              const anchorEnd = serverIndex.encodeAnchor(end, endAssoc);
              if (end <= start || !anchorStart || !anchorEnd || quote.replace(/\n/g, '') === '') return null;
              return { start: anchorStart, end: anchorEnd, words: quote.replace(/\n/g, '') };
            })
            .filter((coding) => coding !== null);

          for (const round of rounds) {
            for (const edit of round) {
              const doc = clients[edit.client];
              const fragment = transcriptFragment(doc);
              const turn = fragment.get(Math.floor(edit.turn * fragment.length)) as Y.XmlElement;
              let text = turnTextNode(turn);
              if (!text) {
                if (edit.kind === 'delete') continue;
                text = new Y.XmlText();
                turn.insert(0, [text]);
              }
              const at = Math.floor(edit.at * text.length);
              if (edit.kind === 'insert') text.insert(at, edit.text);
              else text.delete(at, Math.floor(edit.size * (text.length - at)));
            }
            syncAll([server, ...clients]);
          }

          const replicas = [server, ...clients].map((doc) => new TranscriptIndex(doc));
          const finalText = replicas[0].text;
          for (const replica of replicas) expect(replica.text).toBe(finalText);
          const surviving = new Set(finalText);
          for (const coding of codings) {
            const results = replicas.map((replica) => replica.resolveAnchors(coding.start, coding.end));
            for (const result of results) expect(result).toEqual(results[0]);
            const expectedWords = [...coding.words].filter((char) => surviving.has(char)).join('');
            const [result] = results;
            const coveredWords = result.status === 'ok' ? [...finalText.slice(result.start, result.end)].filter((c) => isOriginal(c)).join('') : '';
            expect(coveredWords).toBe(expectedWords);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
