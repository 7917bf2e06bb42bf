/**
 * Finds whole-word, case-insensitive occurrences of many names in a text in one left-to-right pass,
 * longest name first at each position. No regular expression is built from the names: compiling an
 * alternation with Unicode word boundaries for thousands of names took seconds to a minute, and
 * user text in an expression is a risk of its own.
 *
 * Names are indexed by their first word, so at each word of the text only names starting with
 * that exact word are compared. A name that starts with punctuation (e.g. `[GP-1]`) is indexed
 * by its first character instead. Case is folded per code point on both sides, and a space in a
 * name matches any run of white space in the text.
 */

const wordRun = /[\p{L}\p{M}\p{N}]+/gu;
const wordCharacter = /^[\p{L}\p{M}\p{N}]$/u;
const whiteSpace = /^\s$/u;

/**
 * Lower case per code point, so folding never depends on neighbouring letters; final sigma folds
 * like sigma, the one context-dependent lower-casing, so whole words and single code points agree.
 */
const foldCodePoint = (codePoint: string) => codePoint.toLowerCase().replace('ς', 'σ');
const foldWord = (word: string) => word.toLowerCase().replace(/ς/g, 'σ');

function foldedCodePoints(text: string): string[] {
  return Array.from(text, foldCodePoint);
}

interface Candidate<T> {
  /** Folded code points of the name; " " stands for any run of white space. */
  folded: string[];
  length: number;
  endsInWord: boolean;
  value: T;
}

export interface NameMatch<T> {
  start: number;
  end: number;
  value: T;
}

export class NameMatcher<T> {
  private readonly byFirstWord = new Map<string, Candidate<T>[]>();
  private readonly byFirstCharacter = new Map<string, Candidate<T>[]>();
  private readonly firstCharacterUnits = new Set<string>();

  constructor(names: readonly { name: string; value: T }[]) {
    for (const { name, value } of names) {
      const folded = foldedCodePoints(name);
      const candidate: Candidate<T> = { folded, length: name.length, endsInWord: wordCharacter.test(folded[folded.length - 1]), value };
      let firstWord = '';
      for (const codePoint of folded) {
        if (!wordCharacter.test(codePoint)) break;
        firstWord += codePoint;
      }
      const index = firstWord ? this.byFirstWord : this.byFirstCharacter;
      const key = firstWord || folded[0];
      index.set(key, [...(index.get(key) ?? []), candidate]);
    }
    for (const key of this.byFirstCharacter.keys()) this.firstCharacterUnits.add(key[0]);
    for (const index of [this.byFirstWord, this.byFirstCharacter])
      for (const candidates of index.values()) candidates.sort((a, b) => b.length - a.length);
  }

  /** Every match, left to right, none overlapping. */
  matches(text: string): NameMatch<T>[] {
    const runs = Array.from(text.matchAll(wordRun), (run) => ({ start: run.index, end: run.index + run[0].length }));
    // Names that start with punctuation can start anywhere; otherwise only word starts need a look.
    const everyPosition = this.byFirstCharacter.size > 0;
    const found: NameMatch<T>[] = [];
    let runIndex = 0;
    let position = 0;
    while (position < text.length) {
      while (runIndex < runs.length && runs[runIndex].start < position) runIndex += 1;
      const run = runs[runIndex];
      const at = everyPosition ? position : run?.start;
      if (at === undefined) break;
      if (run?.start !== at && !this.mayStartWithPunctuation(text, at)) {
        position = at + 1;
        continue;
      }
      const match = this.longestAt(text, at, run?.start === at ? run.end : undefined);
      if (match) {
        found.push(match);
        position = match.end;
      } else position = at + 1;
    }
    return found;
  }

  /** A cheap first look before folding: the first code unit of some punctuation-led name. */
  private mayStartWithPunctuation(text: string, at: number): boolean {
    const unit = text[at];
    return this.firstCharacterUnits.has(unit) || (unit.charCodeAt(0) > 127 && this.firstCharacterUnits.has(unit.toLowerCase()[0]));
  }

  private longestAt(text: string, start: number, wordEnd: number | undefined): NameMatch<T> | null {
    const byWord = wordEnd === undefined ? undefined : this.byFirstWord.get(foldWord(text.slice(start, wordEnd)));
    const byCharacter =
      this.byFirstCharacter.size > 0 ? this.byFirstCharacter.get(foldCodePoint(String.fromCodePoint(text.codePointAt(start) ?? 0))) : undefined;
    if (!byWord && !byCharacter) return null;
    const candidates = byWord && byCharacter ? [...byWord, ...byCharacter].sort((a, b) => b.length - a.length) : (byWord ?? byCharacter ?? []);
    for (const candidate of candidates) {
      const end = this.matchEnd(text, start, candidate);
      if (end >= 0) return { start, end, value: candidate.value };
    }
    return null;
  }

  /** Where the candidate ends if it matches at `start` as whole words, else -1. */
  private matchEnd(text: string, start: number, candidate: Candidate<T>): number {
    let cursor = start;
    for (const expected of candidate.folded) {
      if (cursor >= text.length) return -1;
      const actual = String.fromCodePoint(text.codePointAt(cursor) ?? 0);
      if (expected === ' ') {
        if (!whiteSpace.test(actual)) return -1;
        while (cursor < text.length && whiteSpace.test(text[cursor])) cursor += 1;
        continue;
      }
      if (foldCodePoint(actual) !== expected) return -1;
      cursor += actual.length;
    }
    if (candidate.endsInWord && cursor < text.length && wordCharacter.test(String.fromCodePoint(text.codePointAt(cursor) ?? 0))) return -1;
    return cursor;
  }

  /** The text with each match replaced by what `replace` returns for it. */
  replaceAll(text: string, replace: (value: T, matched: string) => string): string {
    let out = '';
    let cursor = 0;
    for (const match of this.matches(text)) {
      out += text.slice(cursor, match.start) + replace(match.value, text.slice(match.start, match.end));
      cursor = match.end;
    }
    return out + text.slice(cursor);
  }
}
