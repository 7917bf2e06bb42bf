/**
 * Splitting a transcript into the fixed units that coded-unit statistics need. A transcript's
 * canonical text is its turns joined by "\n"; offsets are UTF-16 code units of that text and every
 * unit is a half-open range [start, end). Units of one kind never overlap and come sorted.
 *
 * Unit kinds:
 *   turn      — one speaker turn, as given by the turn boundaries.
 *   paragraph — a turn split at blank lines (a line break, optional spaces/tabs, another line
 *               break); whitespace-only pieces are dropped. Equals the turn when it has no blank line.
 *   sentence  — a paragraph split after . ! ? or … (repeats such as "?!" or "..." count once, and
 *               closing quotes/brackets stay with the sentence) when whitespace or the paragraph end
 *               follows; also at single line breaks (a transcript line break is a hard break).
 *               Not a break: known abbreviations ("e.g.", "Dr.", "approx." …), single-letter
 *               initials ("J. Smith"), and a full stop not followed by whitespace ("3.5", "nhs.uk").
 *               Leading and trailing whitespace is trimmed from every sentence.
 *   window    — consecutive fixed windows of N code units over the whole text (the last may be shorter).
 *   document  — the whole text.
 */

export type UnitKind = 'turn' | 'paragraph' | 'sentence' | 'window' | 'document';

export interface TextRange {
  start: number;
  end: number;
}

export interface TextUnit extends TextRange {
  kind: UnitKind;
  /** Index of the turn the unit lies in (−1 for windows and the document, which may span turns). */
  turn: number;
}

export interface TranscriptText {
  /** Turns joined by "\n". */
  text: string;
  /** [start, end) of every turn in `text`, in order; the joining "\n" belongs to no turn. */
  turns: readonly TextRange[];
}

export function turnUnits(transcript: TranscriptText): TextUnit[] {
  return transcript.turns
    .map((turn, index) => ({ kind: 'turn' as const, start: turn.start, end: turn.end, turn: index }))
    .filter((unit) => unit.end > unit.start);
}

const BLANK_LINE = /\r?\n[ \t]*\r?\n(?:[ \t]*\r?\n)*/g;

export function paragraphUnits(transcript: TranscriptText): TextUnit[] {
  const units: TextUnit[] = [];
  transcript.turns.forEach((turn, index) => {
    const body = transcript.text.slice(turn.start, turn.end);
    let pieceStart = 0;
    const pushPiece = (pieceEnd: number) => {
      const trimmed = trimRange(body, pieceStart, pieceEnd);
      if (trimmed) units.push({ kind: 'paragraph', start: turn.start + trimmed.start, end: turn.start + trimmed.end, turn: index });
    };
    for (const blank of body.matchAll(BLANK_LINE)) {
      pushPiece(blank.index);
      pieceStart = blank.index + blank[0].length;
    }
    pushPiece(body.length);
  });
  return units;
}

/** Lower-cased abbreviations (without their final full stop) after which a full stop ends no sentence. */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'vs', 'cf', 'approx', 'dr', 'mr', 'mrs', 'ms', 'prof', 'st', 'no', 'nos', 'dept', 'fig', 'incl', 'ca',
]);
const TERMINATOR = /[.!?…]/;
const CLOSER = /["'”’)\]]/;
const WHITESPACE = /\s/;

function isAbbreviationBefore(text: string, dotIndex: number, lowerBound: number): boolean {
  let wordStart = dotIndex;
  while (wordStart > lowerBound && !WHITESPACE.test(text[wordStart - 1]) && text[wordStart - 1] !== '(') wordStart--;
  const word = text.slice(wordStart, dotIndex).toLowerCase();
  if (ABBREVIATIONS.has(word)) return true;
  // A single capital letter before the stop is an initial ("J. Smith").
  return word.length === 1 && /[A-Z]/.test(text[wordStart]);
}

export function sentenceUnits(transcript: TranscriptText): TextUnit[] {
  const { text } = transcript;
  const units: TextUnit[] = [];
  for (const paragraph of paragraphUnits(transcript)) {
    let sentenceStart = paragraph.start;
    const close = (sentenceEnd: number) => {
      const trimmed = trimRange(text, sentenceStart, sentenceEnd);
      if (trimmed) units.push({ kind: 'sentence', start: trimmed.start, end: trimmed.end, turn: paragraph.turn });
      sentenceStart = sentenceEnd;
    };
    let i = paragraph.start;
    while (i < paragraph.end) {
      const char = text[i];
      if (char === '\n') {
        close(i);
        i++;
        continue;
      }
      if (!TERMINATOR.test(char)) {
        i++;
        continue;
      }
      let after = i + 1;
      while (after < paragraph.end && TERMINATOR.test(text[after])) after++;
      while (after < paragraph.end && CLOSER.test(text[after])) after++;
      const followedByBreak = after >= paragraph.end || WHITESPACE.test(text[after]);
      const isRealStop = char !== '.' || after - i > 1 || !isAbbreviationBefore(text, i, sentenceStart);
      if (followedByBreak && isRealStop) close(after);
      i = after;
    }
    close(paragraph.end);
  }
  return units;
}

export function windowUnits(transcript: TranscriptText, size: number): TextUnit[] {
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`Window size must be a positive integer (got ${size}).`);
  const units: TextUnit[] = [];
  for (let start = 0; start < transcript.text.length; start += size) {
    units.push({ kind: 'window', start, end: Math.min(start + size, transcript.text.length), turn: -1 });
  }
  return units;
}

export function documentUnits(transcript: TranscriptText): TextUnit[] {
  return transcript.text.length > 0 ? [{ kind: 'document', start: 0, end: transcript.text.length, turn: -1 }] : [];
}

export type UnitSpec = { kind: 'turn' | 'paragraph' | 'sentence' | 'document' } | { kind: 'window'; size: number };

export function splitUnits(transcript: TranscriptText, spec: UnitSpec): TextUnit[] {
  switch (spec.kind) {
    case 'turn':
      return turnUnits(transcript);
    case 'paragraph':
      return paragraphUnits(transcript);
    case 'sentence':
      return sentenceUnits(transcript);
    case 'window':
      return windowUnits(transcript, spec.size);
    case 'document':
      return documentUnits(transcript);
  }
}

/** [start, end) with surrounding whitespace removed, or null when only whitespace remains. */
function trimRange(text: string, start: number, end: number): TextRange | null {
  let from = start;
  let to = end;
  while (from < to && WHITESPACE.test(text[from])) from++;
  while (to > from && WHITESPACE.test(text[to - 1])) to--;
  return to > from ? { start: from, end: to } : null;
}
