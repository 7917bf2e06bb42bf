import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import type { ExchangeTurn } from '../../../server/exchange/model';
import { type PseudonymEntry, proposePseudonyms, pseudonymise } from '../../../server/exchange/transcripts/pseudonymise';
import { expectRefusal } from './encodings';

const turn = (speaker: string, text: string): ExchangeTurn => ({ speaker, timestamp: null, text });

const mapping: PseudonymEntry[] = [
  { original: 'Jane', replacement: '[P-1]' },
  { original: 'Dr Jane Smith', replacement: '[GP-1]' },
  { original: 'Smith', replacement: '[GP-2]' },
  { original: 'St. Mary’s', replacement: '[Site-A]' },
];

describe('pseudonymise', () => {
  it('replaces whole words case-insensitively, longest names first, in texts and speakers, and counts each entry', () => {
    const result = pseudonymise(
      [
        turn('Dr Jane Smith', 'DR JANE  SMITH met jane at St. Mary’s; Smith’s team too.'),
        turn('Interviewer', 'Janet, Smithfield and Jane-Anne are other words; JaneSmith too.'),
      ],
      mapping,
    );
    expect(result.turns).toEqual([
      turn('[GP-1]', '[GP-1] met [P-1] at [Site-A]; [GP-2]’s team too.'),
      turn('Interviewer', 'Janet, Smithfield and [P-1]-Anne are other words; JaneSmith too.'),
    ]);
    expect(result.counts).toEqual([
      { original: 'Jane', replacement: '[P-1]', inText: 2, inSpeakers: 0 },
      { original: 'Dr Jane Smith', replacement: '[GP-1]', inText: 1, inSpeakers: 1 },
      { original: 'Smith', replacement: '[GP-2]', inText: 1, inSpeakers: 0 },
      { original: 'St. Mary’s', replacement: '[Site-A]', inText: 1, inSpeakers: 0 },
    ]);
  });

  it('treats letters with accents and other scripts as word characters', () => {
    const result = pseudonymise([turn('', 'José met Josébel and Zoë; 李明 met 李明华.')], [
      { original: 'José', replacement: '[A]' },
      { original: 'zoë', replacement: '[B]' },
      { original: '李明', replacement: '[C]' },
    ]);
    // CJK has no spaces between words, so "李明华" is one longer word here and stays.
    expect(result.turns[0].text).toBe('[A] met Josébel and [B]; [C] met 李明华.');
  });

  it('counts hyphens and underscores as word separators, so handles such as jane_smith lose the name', () => {
    const [result] = pseudonymise([turn('', 'jane_smith wrote to Jane-Marie')], [{ original: 'Jane', replacement: '[P-1]' }]).turns;
    expect(result.text).toBe('[P-1]_smith wrote to [P-1]-Marie');
  });

  it('folds case per letter, so a Greek name ending in final sigma matches in capitals too', () => {
    const [result] = pseudonymise([turn('', 'ΟΔΥΣΣΕΑΣ και Οδυσσέας')], [{ original: 'Οδυσσεας', replacement: '[A]' }]).turns;
    expect(result.text).toBe('[A] και Οδυσσέας');
  });

  // A mapping at the limit once took a minute (one regular expression per name); the test's own
  // timeout catches that kind of regression, bench:transcripts measures the speed.
  it('handles a mapping at the entry limit on a long transcript', () => {
    const entries = Array.from({ length: defaultLimits.pseudonymEntriesMax }, (_, index) => ({
      original: `Given${index} Family${index}`,
      replacement: `[P-${index + 1}]`,
    }));
    const text = 'Given17 Family17 met given4999  family4999 and Given17 Familyx. '.repeat(2_000);
    const result = pseudonymise([turn('', text)], entries);
    expect(result.counts[17].inText).toBe(2_000);
    expect(result.counts[4999].inText).toBe(2_000);
    expect(result.turns[0].text.startsWith('[P-18] met [P-5000] and Given17 Familyx. ')).toBe(true);
  });

  it('does not change the input turns', () => {
    const turns = [turn('Jane', 'Jane')];
    pseudonymise(turns, mapping);
    expect(turns).toEqual([turn('Jane', 'Jane')]);
  });

  it('refuses bad mappings with specific messages', async () => {
    const refuse = (entries: unknown, code: string, part: string | RegExp) =>
      expectRefusal(() => pseudonymise([], entries as PseudonymEntry[]), code, part);
    await refuse([{ original: 'Jane', replacement: 'A' }, { original: ' JANE ', replacement: 'B' }], 'invalid_pseudonym_mapping', 'mapping[1].original: "JANE" is also mapping[0]');
    await refuse([{ original: 'Jane', replacement: 'Jane Doe' }], 'pseudonym_leaks_name', 'mapping[0].replacement: "Jane Doe" contains the name "Jane"');
    await refuse([{ original: 'GP', replacement: 'x' }, { original: 'Ann', replacement: '[GP-1]' }], 'pseudonym_leaks_name', /mapping\[1\]\.replacement/);
    await refuse([{ original: '  ', replacement: 'x' }], 'invalid_pseudonym_mapping', 'mapping[0].original: empty');
    await refuse([{ original: 'a\nb', replacement: 'x' }], 'invalid_pseudonym_mapping', /line break/);
    await refuse([{ original: 'a', replacement: 3 }], 'invalid_pseudonym_mapping', 'mapping[0].replacement: expected a string');
    await refuse('Jane=A', 'invalid_pseudonym_mapping', /expected a list/);
    await expectRefusal(
      () => pseudonymise([], [{ original: 'a', replacement: 'b' }, { original: 'c', replacement: 'd' }], { ...defaultLimits, pseudonymEntriesMax: 1 }),
      'invalid_pseudonym_mapping',
      'mapping: at most 1 entries',
    );
  });
});

// Names and filler drawn from a small vocabulary, so names often touch, overlap and nest.
const vocabulary = ['ann', 'bo', 'smith', 'dr', 'jo', 'lee', 'annabel', 'bo-lee'];
const nameArbitrary = fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 3 }).map((words) => words.join(' '));
const mappingArbitrary = fc
  .uniqueArray(nameArbitrary, { minLength: 1, maxLength: 6, selector: (name) => name.toLowerCase() })
  .map((names) => names.map((original, index) => ({ original, replacement: `[R-${index + 1}]` })));
const textArbitrary = fc
  .array(fc.oneof(fc.constantFrom(...vocabulary, ' ', ', ', '. ', '-', '[R-1]', 'x'), fc.constantFrom('ANN', 'Smith', 'Dr')), { maxLength: 25 })
  .map((tokens) => tokens.join(' ').replace(/\s+/g, ' '));

/** An independent check: does `name` occur in `text` as whole words (any case, any spacing)? */
function containsWholeName(text: string, name: string): boolean {
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${name.split(' ').join('\\s+')}(?![\\p{L}\\p{M}\\p{N}])`, 'iu').test(text);
}

describe('pseudonymise properties', () => {
  it('is idempotent: running it on already-replaced text changes nothing', () => {
    fc.assert(
      fc.property(mappingArbitrary, textArbitrary, textArbitrary, (entries, text, speaker) => {
        const once = pseudonymise([turn(speaker, text)], entries).turns;
        const twice = pseudonymise(once, entries);
        expect(twice.turns).toEqual(once);
        expect(twice.counts.every((count) => count.inText === 0 && count.inSpeakers === 0)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('leaves no mapped name behind as a whole word', () => {
    fc.assert(
      fc.property(mappingArbitrary, textArbitrary, (entries, text) => {
        const [result] = pseudonymise([turn(text, text)], entries).turns;
        for (const { original } of entries) {
          expect(containsWholeName(result.text, original)).toBe(false);
          expect(result.speaker).toBe(result.text);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never replaces inside a longer word', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{2,6}$/),
        fc.stringMatching(/^[a-z]{1,3}$/),
        fc.stringMatching(/^[a-z]{1,3}$/),
        (name, prefix, suffix) => {
          const text = `${prefix}${name} ${name}${suffix} ${prefix}${name}${suffix} ${name}9 é${name}`;
          const [result] = pseudonymise([turn('', text)], [{ original: name, replacement: '[N]' }]).turns;
          expect(result.text).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('proposePseudonyms', () => {
  it('labels names by category, the same name always with the same label', () => {
    const { mapping: proposed, added } = proposePseudonyms(
      [
        { original: 'Dr Jane Smith', category: 'GP' },
        { original: 'North Road Surgery', category: 'Site' },
        { original: 'dr  jane smith', category: 'GP' },
        { original: 'Ahmed Khan', category: 'GP' },
        { original: 'Riverside', category: 'Site' },
      ],
      [],
      { Site: 'letters' },
    );
    expect(added).toEqual([
      { original: 'Dr Jane Smith', replacement: '[GP-1]' },
      { original: 'North Road Surgery', replacement: '[Site-A]' },
      { original: 'Ahmed Khan', replacement: '[GP-2]' },
      { original: 'Riverside', replacement: '[Site-B]' },
    ]);
    expect(proposed).toEqual(added);
  });

  it('extends an existing mapping: known names keep their labels, new ones continue after the highest', () => {
    const existing = [
      { original: 'Dr Jane Smith', replacement: '[GP-1]' },
      { original: 'Ahmed Khan', replacement: '[GP-3]' },
      { original: 'Riverside', replacement: '[Site-Z]' },
    ];
    const { mapping: extended, added } = proposePseudonyms(
      [
        { original: 'DR JANE SMITH', category: 'GP' },
        { original: 'Li Wei', category: 'GP' },
        { original: 'Hilltop', category: 'Site' },
      ],
      existing,
      { Site: 'letters' },
    );
    expect(added).toEqual([
      { original: 'Li Wei', replacement: '[GP-4]' },
      { original: 'Hilltop', replacement: '[Site-AA]' },
    ]);
    expect(extended).toEqual([...existing, ...added]);
    // The proposed mapping applies as one consistent whole.
    const [result] = pseudonymise([turn('Li Wei', 'Dr Jane Smith and Li Wei at Hilltop')], extended).turns;
    expect(result).toEqual(turn('[GP-4]', '[GP-1] and [GP-4] at [Site-AA]'));
  });

  it('refuses a category that cannot be a label, and a category that is a name of the mapping', async () => {
    await expectRefusal(() => proposePseudonyms([{ original: 'Ann', category: 'GP]' }], []), 'invalid_pseudonym_category', /names\[0\]\.category/);
    await expectRefusal(() => proposePseudonyms([{ original: 'Ann', category: '' }], []), 'invalid_pseudonym_category');
    await expectRefusal(() => proposePseudonyms([{ original: '  ', category: 'GP' }], []), 'invalid_pseudonym_mapping', 'names[0].original: empty');
    await expectRefusal(
      () => proposePseudonyms([{ original: 'Ann', category: 'Ann' }], []),
      'pseudonym_leaks_name',
      '"[Ann-1]" contains the name "Ann"',
    );
  });
});
