/**
 * WebVTT and SubRip captions → speaker turns. Each turn keeps the start of its first cue as
 * `hh:mm:ss`. Speakers come from WebVTT voice tags (`<v Name>`) or from a `Name:` prefix found by
 * the speaker pattern; a cue without either continues the previous speaker, and consecutive cues of
 * one speaker merge into one turn. NOTE, STYLE and REGION blocks, cue identifiers, cue settings and
 * every other tag are dropped.
 */
import { invalid } from '../../errors';
import type { ExchangeTurn } from '../model';
import { formatSeconds, labelMatcher, type SpeakerPattern, type SpeakerTurnsResult } from './speakerTurns';

interface Cue {
  /** 1-based line of the cue timing, for messages. */
  line: number;
  startSeconds: number;
  payload: string[];
}

const invalidCaptions = (message: string) => invalid(message, 'invalid_subtitles');

const vttTimestamp = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const srtTimestamp = /^(\d+):([0-5]\d):([0-5]\d)[,.](\d{1,3})$/;
const timingLine = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t].*)?$/;

function parseTiming(line: string, lineNumber: number, timestamp: RegExp, example: string): number {
  const timing = timingLine.exec(line.trim());
  const start = timing ? timestamp.exec(timing[1]) : null;
  const end = timing ? timestamp.exec(timing[2]) : null;
  if (!start || !end) throw invalidCaptions(`line ${lineNumber}: "${line.slice(0, 80)}" is not a cue timing (expected ${example})`);
  return Number(start[1] ?? 0) * 3600 + Number(start[2]) * 60 + Number(start[3]);
}

interface Block {
  /** 1-based line number of the block's first line. */
  line: number;
  lines: string[];
}

function blocks(text: string): Block[] {
  const result: Block[] = [];
  let current: Block | null = null;
  text.split('\n').forEach((line, index) => {
    if (line.trim().length === 0) {
      current = null;
    } else if (current) {
      current.lines.push(line);
    } else {
      current = { line: index + 1, lines: [line] };
      result.push(current);
    }
  });
  return result;
}

function readVttCues(text: string, warnings: string[]): Cue[] {
  const all = blocks(text);
  if (!/^WEBVTT(?:[ \t]|$)/.test(all[0]?.lines[0] ?? ''))
    throw invalidCaptions('not a WebVTT file: its first line must be WEBVTT');
  const cues: Cue[] = [];
  let skipped = 0;
  // The first block is the header (WEBVTT and its metadata lines).
  for (const block of all.slice(1)) {
    const first = block.lines[0];
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/.test(first)) continue;
    const timingIndex = first.includes('-->') ? 0 : block.lines[1]?.includes('-->') ? 1 : -1;
    if (timingIndex < 0) {
      skipped += 1;
      continue;
    }
    const line = block.line + timingIndex;
    const startSeconds = parseTiming(block.lines[timingIndex], line, vttTimestamp, '00:01:02.000 --> 00:01:05.000');
    cues.push({ line, startSeconds, payload: block.lines.slice(timingIndex + 1) });
  }
  if (skipped > 0) warnings.push(`${skipped} block(s) without a cue timing were skipped`);
  return cues;
}

function readSrtCues(text: string, warnings: string[]): Cue[] {
  const cues: Cue[] = [];
  let continued = 0;
  for (const block of blocks(text)) {
    const timingIndex = block.lines[0].includes('-->') ? 0 : /^\d+$/.test(block.lines[0].trim()) ? 1 : -1;
    if (timingIndex < 0 || timingIndex >= block.lines.length) {
      // A blank line inside a cue's text (common in hand-edited files) splits it; the rest belongs to that cue.
      const previous = cues[cues.length - 1];
      if (!previous || timingIndex >= 0)
        throw invalidCaptions(`line ${block.line}: expected a cue number followed by a timing such as 00:01:02,000 --> 00:01:05,000`);
      previous.payload.push(...block.lines);
      continued += 1;
      continue;
    }
    const line = block.line + timingIndex;
    const startSeconds = parseTiming(block.lines[timingIndex], line, srtTimestamp, '00:01:02,000 --> 00:01:05,000');
    cues.push({ line, startSeconds, payload: block.lines.slice(timingIndex + 1) });
  }
  if (continued > 0) warnings.push(`${continued} blank line(s) inside cue text were joined to their cue`);
  return cues;
}

const namedEntities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (entity, name: string) => {
    if (name[0] !== '#') return namedEntities[name.toLowerCase()] ?? entity;
    const codePoint = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff) ? String.fromCodePoint(codePoint) : entity;
  });
}

/** `<v Name>` / `<v.class Name>`; the annotation after the first space is the speaker. */
const voiceTag = /<v(?:\.[^\s<>]*)?(?:[ \t]+([^<>]*))?>/g;
// Classes exclude "<", so a long run of unclosed tags is scanned once.
const anyTag = /<[^<>]*>/g;
const assOverride = /\{\\[^{}]*\}/g;

interface Segment {
  speaker: string | null;
  text: string;
}

function cleanLine(line: string): string {
  return decodeEntities(line.replace(anyTag, '').replace(assOverride, ''))
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^-\s+/, '');
}

/** A cue's payload as speaker segments: voice tags first, then `Name:` prefixes on untagged lines. */
function cueSegments(payload: string[], match: ReturnType<typeof labelMatcher>): Segment[] {
  const joined = payload.join('\n');
  const voiced: Segment[] = [];
  let cursor = 0;
  let speaker: string | null = null;
  for (const voice of joined.matchAll(voiceTag)) {
    voiced.push({ speaker, text: joined.slice(cursor, voice.index) });
    speaker = decodeEntities(voice[1] ?? '').replace(/\s+/g, ' ').trim() || null;
    cursor = voice.index + voice[0].length;
  }
  voiced.push({ speaker, text: joined.slice(cursor) });
  const segments: Segment[] = [];
  for (const segment of voiced) {
    let open: Segment | null = null;
    for (const rawLine of segment.text.split('\n')) {
      const line = cleanLine(rawLine);
      if (line.length === 0) continue;
      const labelled = segment.speaker === null && match ? match(line) : null;
      if (labelled) {
        open = { speaker: labelled.speaker, text: labelled.text };
        segments.push(open);
      } else if (open) {
        open.text = open.text ? `${open.text} ${line}` : line;
      } else {
        open = { speaker: segment.speaker, text: line };
        segments.push(open);
      }
    }
  }
  return segments;
}

function cuesToTurns(cues: Cue[], pattern: SpeakerPattern, warnings: string[]): ExchangeTurn[] {
  const match = labelMatcher(pattern);
  const turns: ExchangeTurn[] = [];
  let speaker = '';
  let empty = 0;
  for (const cue of cues) {
    const segments = cueSegments(cue.payload, match).filter((segment) => segment.text.length > 0);
    if (segments.length === 0) {
      empty += 1;
      continue;
    }
    const timestamp = formatSeconds(cue.startSeconds);
    let cueTurn: ExchangeTurn | null = null;
    for (const segment of segments) {
      const changes = segment.speaker !== null && segment.speaker !== speaker;
      if (segment.speaker !== null) speaker = segment.speaker;
      const previous = turns[turns.length - 1];
      // Unknown speakers merge only within one cue, so captions without any speaker keep one turn per cue.
      const continues = previous && !changes && (speaker !== '' ? previous.speaker === speaker : previous === cueTurn);
      if (continues) previous.text = `${previous.text} ${segment.text}`;
      else {
        cueTurn = { speaker, timestamp, text: segment.text };
        turns.push(cueTurn);
      }
    }
  }
  if (empty > 0) warnings.push(`${empty} cue(s) without text were skipped`);
  return turns;
}

export function readCaptions(text: string, format: 'vtt' | 'srt', pattern: SpeakerPattern): SpeakerTurnsResult {
  const warnings: string[] = [];
  const cues = format === 'vtt' ? readVttCues(text, warnings) : readSrtCues(text, warnings);
  return { turns: cuesToTurns(cues, pattern, warnings), speakerPattern: pattern, warnings };
}
