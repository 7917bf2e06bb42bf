/**
 * One uploaded transcript file → speaker turns in the neutral exchange model. The type comes from
 * the file name's extension; the bytes are checked against it (a .docx must be a zip, a .vtt must
 * start with WEBVTT), so a mislabelled file gets a message about what it really is.
 */
import type { Limits } from '../../config';
import { invalid, tooLarge, unsupported } from '../../errors';
import { type ExchangeTurn, sourceText } from '../model';
import { decodeTextFile } from './decodeText';
import { docxToText } from './docx';
import { markdownToPlainText } from './markdown';
import { type SpeakerPattern, type SpeakerTurnsResult, splitSpeakerTurns } from './speakerTurns';
import { readCaptions } from './subtitles';

export type TranscriptFormat = 'txt' | 'md' | 'docx' | 'vtt' | 'srt';

const formatsByExtension: Record<string, TranscriptFormat> = {
  txt: 'txt',
  text: 'txt',
  md: 'md',
  markdown: 'md',
  docx: 'docx',
  vtt: 'vtt',
  srt: 'srt',
};

export const acceptedTranscriptExtensions = Object.keys(formatsByExtension).map((extension) => `.${extension}`);

/** What to say for types people commonly try, beyond "not accepted". */
const adviceByExtension: Record<string, string> = {
  doc: 'save it from Word as .docx',
  rtf: 'save it as .docx or .txt',
  odt: 'save it as .docx',
  pdf: 'export the text as .txt or .docx',
};

export type TranscriptLimits = Pick<Limits, 'transcriptFileMaxBytes' | 'transcriptMaxChars' | 'docxUnpackedMaxBytes' | 'nameMaxChars'>;

export interface TranscriptFileInput {
  fileName: string;
  bytes: Uint8Array;
  /** Defaults to `auto`. Check a pattern from a request with `checkSpeakerPattern` first. */
  speakerPattern?: SpeakerPattern;
  limits: TranscriptLimits;
}

export interface TranscriptFileResult {
  format: TranscriptFormat;
  turns: ExchangeTurn[];
  speakerPattern: SpeakerPattern;
  warnings: string[];
}

export function transcriptFormat(fileName: string): TranscriptFormat {
  const dot = fileName.lastIndexOf('.');
  const extension = dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  const format = formatsByExtension[extension];
  if (format) return format;
  const accepted = `accepted types: ${acceptedTranscriptExtensions.join(', ')}`;
  if (extension === '') throw unsupported(`"${fileName}" has no file extension; ${accepted}`);
  const advice = adviceByExtension[extension];
  throw unsupported(`.${extension} files are not accepted${advice ? ` (${advice})` : ''}; ${accepted}`);
}

async function readTurns(format: TranscriptFormat, bytes: Uint8Array, pattern: SpeakerPattern, limits: TranscriptLimits): Promise<SpeakerTurnsResult> {
  switch (format) {
    case 'docx': {
      const { text, warnings } = await docxToText(bytes, limits);
      const result = splitSpeakerTurns(text, pattern);
      return { ...result, warnings: [...warnings, ...result.warnings] };
    }
    case 'md':
      return splitSpeakerTurns(markdownToPlainText(decodeTextFile(bytes).text), pattern);
    case 'txt':
      return splitSpeakerTurns(decodeTextFile(bytes).text, pattern);
    case 'vtt':
    case 'srt':
      return readCaptions(decodeTextFile(bytes).text, format, pattern);
  }
}

/**
 * Reads a transcript file. Throws `unsupported_type` (extension), `file_too_large`,
 * `empty_transcript`, `transcript_too_long`, `speaker_too_long`, and the decoders' own errors
 * (`not_decodable`, `not_text_file`, `corrupt_docx`, `encrypted_or_legacy_word`, `invalid_subtitles`, …).
 */
export async function readTranscriptFile(input: TranscriptFileInput): Promise<TranscriptFileResult> {
  const { fileName, bytes, limits } = input;
  const format = transcriptFormat(fileName);
  if (bytes.length > limits.transcriptFileMaxBytes)
    throw tooLarge(`"${fileName}" is ${bytes.length} bytes; transcript files may be at most ${limits.transcriptFileMaxBytes} bytes`, 'file_too_large');
  if (bytes.length === 0) throw invalid(`"${fileName}" is empty`, 'empty_transcript');
  const result = await readTurns(format, bytes, input.speakerPattern ?? 'auto', limits);
  if (result.turns.length === 0) throw invalid(`"${fileName}" has no transcript text`, 'empty_transcript');
  const length = sourceText(result).length;
  if (length > limits.transcriptMaxChars)
    throw tooLarge(`"${fileName}" holds ${length} characters of text; transcripts hold at most ${limits.transcriptMaxChars}`, 'transcript_too_long');
  const longSpeaker = result.turns.find((turn) => turn.speaker.length > limits.nameMaxChars);
  if (longSpeaker)
    throw invalid(`the speaker label "${longSpeaker.speaker.slice(0, 60)}…" is longer than ${limits.nameMaxChars} characters`, 'speaker_too_long');
  return { format, ...result };
}

export interface SpeakerCount {
  /** `""` for turns without a speaker. */
  speaker: string;
  turns: number;
  characters: number;
}

export interface TurnsPreview extends TranscriptFileResult {
  /** Speakers by number of turns, most first: what an owner checks before importing. */
  speakers: SpeakerCount[];
  /** Length of the canonical text (SPEC C1). */
  characters: number;
}

/** The turns a file would give with a pattern, plus per-speaker counts, so a page can show them before importing. */
export async function previewTurns(input: TranscriptFileInput): Promise<TurnsPreview> {
  const result = await readTranscriptFile(input);
  const bySpeaker = new Map<string, SpeakerCount>();
  for (const turn of result.turns) {
    const count = bySpeaker.get(turn.speaker) ?? { speaker: turn.speaker, turns: 0, characters: 0 };
    count.turns += 1;
    count.characters += turn.text.length;
    bySpeaker.set(turn.speaker, count);
  }
  const speakers = [...bySpeaker.values()].sort((a, b) => b.turns - a.turns || a.speaker.localeCompare(b.speaker));
  return { ...result, speakers, characters: sourceText(result).length };
}
