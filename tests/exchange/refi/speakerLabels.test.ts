/** A REFI-QDA source line and a pasted transcript line find the same speaker label: one rule, two readers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalizeSourceText } from '../../../server/exchange/refi/text';
import { parseTranscript } from '../../../shared/transcripts/parseTranscript';

const lines: [line: string, speaker: string, timestamp: string | null, text: string][] = [
  ['Interviewer: How did it start?', 'Interviewer', null, 'How did it start?'],
  ['[00:12:05] Nurse lead: We changed the rota.', 'Nurse lead', '00:12:05', 'We changed the rota.'],
  ['1:02 P3: Slowly.', 'P3', '1:02', 'Slowly.'],
  ['Dr. O’Neill (GP): Yes.', 'Dr. O’Neill (GP)', null, 'Yes.'],
  // More than four words before the colon is a sentence, not a label.
  ['The point I am making is: budgets.', '', null, 'The point I am making is: budgets.'],
  ['https://example.org/page', '', null, 'https://example.org/page'],
  [`${'N'.repeat(41)}: too long for a name`, '', null, `${'N'.repeat(41)}: too long for a name`],
];

describe('speaker labels in REFI-QDA sources and in transcript import', () => {
  for (const [line, speaker, timestamp, text] of lines) {
    it(`read ${JSON.stringify(line)} alike`, () => {
      expect(canonicalizeSourceText(line).turns).toEqual([{ speaker, timestamp, text }]);
      expect(parseTranscript(line)).toEqual([{ speaker, timestamp, text }]);
    });
  }

  it('agree on any single line without runs of whitespace', () => {
    const piece = fc.constantFrom('P1', 'Nurse', 'lead', 'The', 'point', 'is', ':', ': ', ' ', '[00:01:02] ', '12:30 ', 'é', '(GP)', 'http', 'x');
    const line = fc.array(piece, { minLength: 1, maxLength: 8 }).map((pieces) => pieces.join('').replace(/\s+/g, ' ').trim());
    fc.assert(
      fc.property(
        line.filter((value) => value !== ''),
        (value) => {
          const [fromSource] = canonicalizeSourceText(value).turns;
          const [fromTranscript] = parseTranscript(value);
          expect([fromSource.speaker, fromSource.timestamp]).toEqual([fromTranscript.speaker, fromTranscript.timestamp]);
        },
      ),
    );
  });
});
