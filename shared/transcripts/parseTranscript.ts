/**
 * Splits an imported interview transcript into speaker turns. A turn starts at a line such as
 * `Interviewer: …`, `P3: …`, `GP: …` or `[00:12:05] Nurse lead: …`; lines without a speaker label
 * continue the current turn (joined with a space, because the canonical text reserves "\n" for
 * turn boundaries). Blank lines are ignored.
 */
import type { Turn } from '../collab/schema';

// A label is at most four words and 40 characters, so a sentence that happens to contain a colon
// ("The point is: …") is not mistaken for a speaker.
const speakerLine =
  /^\s*(?:\[?(\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)\]?\s+)?([\p{L}\p{N}][\p{L}\p{N}.'’()&/-]*(?:\s+[\p{L}\p{N}.'’()&/-]+){0,3}):\s*(.*)$/u;

const maxSpeakerChars = 40;

export interface SpeakerLabel {
  speaker: string;
  timestamp: string | null;
  /** What follows the label (and the spaces after its colon) on the line. */
  rest: string;
}

/** The speaker label a line starts with, or null; the REFI-QDA text reader applies the same rule. */
export function matchSpeakerLabel(line: string): SpeakerLabel | null {
  const match = speakerLine.exec(line);
  if (!match || match[2].length > maxSpeakerChars || /^https?$/i.test(match[2])) return null;
  return { speaker: match[2], timestamp: match[1] ?? null, rest: match[3] };
}

export function parseTranscript(text: string): Turn[] {
  const turns: Turn[] = [];
  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.replace(/\s+/g, ' ').trim();
    if (line.length === 0) continue;
    const label = matchSpeakerLabel(line);
    if (label) {
      turns.push({ speaker: label.speaker, timestamp: label.timestamp, text: label.rest });
    } else if (turns.length > 0) {
      const current = turns[turns.length - 1];
      current.text = current.text ? `${current.text} ${line}` : line;
    } else {
      turns.push({ speaker: '', timestamp: null, text: line });
    }
  }
  return turns;
}
