/**
 * Speaker turns in plain text (TXT, Markdown after its markup is dropped, DOCX paragraphs). A turn
 * starts at a line with a speaker label; lines without one continue it. Which lines carry a label
 * is decided by a speaker pattern: a few named ones, or a list of labels the owner types. The owner
 * never supplies a regular expression, so no input can make matching slow (ReDoS).
 *
 * Turns' texts never contain "\n" (SPEC C1 reserves it for turn boundaries): the lines of a turn
 * are joined with a space and runs of white space become one space.
 */
import type { Limits } from '../../config';
import { invalid } from '../../errors';
import type { ExchangeTurn } from '../model';

export const namedSpeakerPatterns = ['auto', 'label-colon', 'timestamp-label', 'none'] as const;

/**
 * - `auto`: `Name: …`, optionally after a timestamp; with no label anywhere, one turn per paragraph.
 * - `label-colon`: `Interviewer: …`, `P3: …`, `Dr Smith: …` (no timestamp before the label).
 * - `timestamp-label`: `[00:01:02] Name: …`, `(00:01:02) Name: …`, `00:01:02 Name: …`.
 * - `none`: no speakers; one turn per paragraph (paragraphs are separated by blank lines).
 * - `{ speakers }`: only these labels (case-insensitive, optionally after a timestamp) start a turn.
 */
export type NamedSpeakerPattern = (typeof namedSpeakerPatterns)[number];
export type SpeakerPattern = NamedSpeakerPattern | { speakers: string[] };

export interface SpeakerTurnsResult {
  turns: ExchangeTurn[];
  /** The pattern that produced the turns; for `auto`, the named pattern it turned out to be when one fits. */
  speakerPattern: SpeakerPattern;
  warnings: string[];
}

/** A label: at most four words and 40 characters, so most sentences with a colon are not taken for one. */
const genericLabel = /^([\p{L}\p{N}][\p{L}\p{N}.'’()&/-]*(?:\s[\p{L}\p{N}.'’()&/-]+){0,3})\s?:(?:\s|$)/u;
const genericLabelMaxChars = 40;
/** `hh:mm:ss`, `h:mm:ss` or `mm:ss`, optionally with a fraction; in brackets, parentheses or bare. */
const timestampPrefix =
  /^(?:\[(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]\s?|\((\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\)\s?|(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\s)/;

/** `1:02` → `00:01:02`, `1:02:03.5` → `01:02:03`; null when a field is out of range. */
export function normaliseTimestamp(written: string): string | null {
  const fields = written.split(/[.,]/)[0].split(':').map(Number);
  const [hours, minutes, seconds] = fields.length === 3 ? fields : [0, fields[0], fields[1]];
  if (minutes > 59 || seconds > 59) return null;
  return formatSeconds(hours * 3600 + minutes * 60 + seconds);
}

/** Whole seconds as `hh:mm:ss` (hours grow past two digits when needed). */
export function formatSeconds(totalSeconds: number): string {
  const whole = Math.floor(totalSeconds);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}`;
}

interface LabelledLine {
  speaker: string;
  timestamp: string | null;
  text: string;
}

type LabelMatcher = (line: string) => LabelledLine | null;

function splitTimestamp(line: string): { timestamp: string | null; rest: string } {
  const match = timestampPrefix.exec(line);
  if (!match) return { timestamp: null, rest: line };
  const timestamp = normaliseTimestamp(match[1] ?? match[2] ?? match[3]);
  return timestamp ? { timestamp, rest: line.slice(match[0].length) } : { timestamp: null, rest: line };
}

function genericMatcher(timestampRule: 'optional' | 'forbidden' | 'required'): LabelMatcher {
  return (line) => {
    const { timestamp, rest } = splitTimestamp(line);
    if (timestampRule === 'required' && !timestamp) return null;
    if (timestampRule === 'forbidden' && timestamp) return null;
    const match = genericLabel.exec(rest);
    if (!match || match[1].length > genericLabelMaxChars || /^https?$/i.test(match[1])) return null;
    return { speaker: match[1], timestamp, text: rest.slice(match[0].length).trim() };
  };
}

/** Labels compared case-insensitively, longest first so "Dr Smith" wins over "Dr". */
function knownLabelsMatcher(labels: string[]): LabelMatcher {
  const candidates = [...labels].sort((a, b) => b.length - a.length).map((label) => ({ label, lower: label.toLowerCase() }));
  return (line) => {
    const { timestamp, rest } = splitTimestamp(line);
    const restLower = rest.toLowerCase();
    for (const { label, lower } of candidates) {
      if (!restLower.startsWith(lower)) continue;
      let cursor = lower.length;
      if (rest[cursor] === ' ') cursor += 1;
      if (rest[cursor] !== ':') continue;
      return { speaker: label, timestamp, text: rest.slice(cursor + 1).trim() };
    }
    return null;
  };
}

/** The label matcher of a pattern (null for `none`), shared with the subtitle reader's `Name:` prefixes. */
export function labelMatcher(pattern: SpeakerPattern): LabelMatcher | null {
  if (typeof pattern === 'object') return knownLabelsMatcher(pattern.speakers);
  switch (pattern) {
    case 'auto':
      return genericMatcher('optional');
    case 'label-colon':
      return genericMatcher('forbidden');
    case 'timestamp-label':
      return genericMatcher('required');
    case 'none':
      return null;
  }
}

const collapseSpace = (line: string) => line.replace(/\s+/g, ' ').trim();

/**
 * Checks a speaker pattern that arrived from outside (a request body): a known name, or
 * `{ speakers: [...] }` with non-empty, distinct labels within the limits.
 */
export function checkSpeakerPattern(value: unknown, limits: Pick<Limits, 'speakerLabelsMax' | 'nameMaxChars'>): SpeakerPattern {
  if (typeof value === 'string') {
    if ((namedSpeakerPatterns as readonly string[]).includes(value)) return value as NamedSpeakerPattern;
    throw invalid(`speakerPattern: "${value}" is not one of ${namedSpeakerPatterns.join(', ')} or { speakers: [...] }`, 'invalid_speaker_pattern');
  }
  const speakers = (value as { speakers?: unknown } | null)?.speakers;
  if (typeof value !== 'object' || value === null || !Array.isArray(speakers))
    throw invalid(`speakerPattern: expected one of ${namedSpeakerPatterns.join(', ')} or { speakers: [...] }`, 'invalid_speaker_pattern');
  if (speakers.length === 0) throw invalid('speakerPattern.speakers: list at least one speaker label', 'invalid_speaker_pattern');
  if (speakers.length > limits.speakerLabelsMax)
    throw invalid(`speakerPattern.speakers: at most ${limits.speakerLabelsMax} labels`, 'invalid_speaker_pattern');
  const seen = new Set<string>();
  return {
    speakers: speakers.map((raw, index) => {
      if (typeof raw !== 'string') throw invalid(`speakerPattern.speakers[${index}]: expected a string`, 'invalid_speaker_pattern');
      const label = collapseSpace(raw);
      if (label.length === 0) throw invalid(`speakerPattern.speakers[${index}]: the label is empty`, 'invalid_speaker_pattern');
      if (label.length > limits.nameMaxChars)
        throw invalid(`speakerPattern.speakers[${index}]: at most ${limits.nameMaxChars} characters`, 'invalid_speaker_pattern');
      if (label.includes(':')) throw invalid(`speakerPattern.speakers[${index}]: write the label without its colon`, 'invalid_speaker_pattern');
      const key = label.toLowerCase();
      if (seen.has(key)) throw invalid(`speakerPattern.speakers[${index}]: "${label}" is listed twice`, 'invalid_speaker_pattern');
      seen.add(key);
      return label;
    }),
  };
}

function paragraphTurns(lines: string[]): ExchangeTurn[] {
  const turns: ExchangeTurn[] = [];
  let open = false;
  for (const line of lines) {
    if (line.length === 0) {
      open = false;
    } else if (open) {
      const current = turns[turns.length - 1];
      current.text = `${current.text} ${line}`;
    } else {
      turns.push({ speaker: '', timestamp: null, text: line });
      open = true;
    }
  }
  return turns;
}

interface LabelledTurn extends ExchangeTurn {
  /** 1-based line of the file where the turn starts, for warnings. */
  line: number;
  labelled: boolean;
}

function labelledTurns(lines: string[], match: LabelMatcher): LabelledTurn[] {
  const turns: LabelledTurn[] = [];
  lines.forEach((line, index) => {
    if (line.length === 0) return;
    const labelled = match(line);
    if (labelled) {
      turns.push({ ...labelled, line: index + 1, labelled: true });
    } else if (turns.length > 0) {
      const current = turns[turns.length - 1];
      current.text = current.text ? `${current.text} ${line}` : line;
    } else {
      turns.push({ speaker: '', timestamp: null, text: line, line: index + 1, labelled: false });
    }
  });
  return turns;
}

function labelledWarnings(turns: LabelledTurn[]): string[] {
  const warnings: string[] = [];
  if (turns.length > 0 && !turns[0].labelled) {
    const end = turns.length > 1 ? turns[1].line - 1 : turns[0].line;
    warnings.push(`lines ${turns[0].line}–${end} come before the first speaker label and form a turn without a speaker`);
  }
  const empty = turns.filter((turn) => turn.text.length === 0);
  if (empty.length > 0)
    warnings.push(
      `${empty.length} speaker label(s) with no words were dropped (first: "${empty[0].speaker}" on line ${empty[0].line})`,
    );
  const counts = new Map<string, LabelledTurn[]>();
  for (const turn of turns) if (turn.labelled) counts.set(turn.speaker, [...(counts.get(turn.speaker) ?? []), turn]);
  // Only worth saying in a transcript where speakers recur; in a short one every label may be once.
  if ([...counts.values()].some((occurrences) => occurrences.length >= 3)) {
    const once = [...counts.values()].filter((occurrences) => occurrences.length === 1).map(([turn]) => `"${turn.speaker}" (line ${turn.line})`);
    if (once.length > 0)
      warnings.push(`speakers that appear only once, perhaps a sentence with a colon: ${once.slice(0, 10).join(', ')}`);
  }
  return warnings;
}

const toExchangeTurn = ({ speaker, timestamp, text }: ExchangeTurn): ExchangeTurn => ({ speaker, timestamp, text });

/** Splits text (lines separated by "\n") into speaker turns with the given pattern. */
export function splitSpeakerTurns(text: string, pattern: SpeakerPattern): SpeakerTurnsResult {
  const lines = text.split('\n').map(collapseSpace);
  const match = labelMatcher(pattern);
  if (!match) return { turns: paragraphTurns(lines), speakerPattern: 'none', warnings: [] };
  const turns = labelledTurns(lines, match);
  const labelled = turns.filter((turn) => turn.labelled);
  if (pattern === 'auto' && labelled.length === 0)
    return {
      turns: paragraphTurns(lines),
      speakerPattern: 'none',
      warnings: ['no speaker labels found: one turn per paragraph'],
    };
  let resolved = pattern;
  if (pattern === 'auto') {
    const timed = labelled.filter((turn) => turn.timestamp !== null).length;
    if (timed === labelled.length) resolved = 'timestamp-label';
    else if (timed === 0) resolved = 'label-colon';
  }
  const warnings = labelledWarnings(turns);
  if (labelled.length === 0) warnings.push('no line matched the speaker pattern: the whole text is one turn without a speaker');
  return { turns: turns.filter((turn) => turn.text.length > 0).map(toExchangeTurn), speakerPattern: resolved, warnings };
}
