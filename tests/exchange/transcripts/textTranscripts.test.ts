import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { sourceText } from '../../../server/exchange/model';
import { checkSpeakerPattern, normaliseTimestamp, splitSpeakerTurns } from '../../../server/exchange/transcripts/speakerTurns';
import { previewTurns, readTranscriptFile } from '../../../server/exchange/transcripts/transcriptFile';
import { encodings, expectRefusal, utf8 } from './encodings';

const interview = [
  'Interviewer: Thank you for joining.',
  'Could you describe your role?',
  '',
  'P3: I am a GP partner.',
  'Dr Smith: We met at 10:30 that day.',
  'Interviewer: And then?',
].join('\r\n');

const read = (fileName: string, text: string, speakerPattern?: Parameters<typeof splitSpeakerTurns>[1]) =>
  readTranscriptFile({ fileName, bytes: utf8(text), speakerPattern, limits: defaultLimits });

describe('plain-text transcripts', () => {
  for (const [name, encode] of Object.entries(encodings)) {
    it(`finds speaker turns in a ${name} .txt file; unlabelled lines continue the turn`, async () => {
      const result = await readTranscriptFile({ fileName: 'P3.txt', bytes: encode(interview), limits: defaultLimits });
      expect(result.format).toBe('txt');
      expect(result.speakerPattern).toBe('label-colon');
      expect(result.turns).toEqual([
        { speaker: 'Interviewer', timestamp: null, text: 'Thank you for joining. Could you describe your role?' },
        { speaker: 'P3', timestamp: null, text: 'I am a GP partner.' },
        { speaker: 'Dr Smith', timestamp: null, text: 'We met at 10:30 that day.' },
        { speaker: 'Interviewer', timestamp: null, text: 'And then?' },
      ]);
    });
  }

  it('reads bracketed, parenthesised and bare timestamps before a label as hh:mm:ss', async () => {
    const result = await read('t.txt', '[00:01:02] Interviewer: One.\n(1:02:03.5) P1: Two.\n00:03:04 Nurse lead: Three.\n12:05 P1: Four.');
    expect(result.speakerPattern).toBe('timestamp-label');
    expect(result.turns.map((turn) => [turn.timestamp, turn.speaker, turn.text])).toEqual([
      ['00:01:02', 'Interviewer', 'One.'],
      ['01:02:03', 'P1', 'Two.'],
      ['00:03:04', 'Nurse lead', 'Three.'],
      ['00:12:05', 'P1', 'Four.'],
    ]);
  });

  it('auto reports "auto" when only some labels carry a timestamp, and keeps both kinds', async () => {
    const result = await read('t.txt', '[00:00:05] Interviewer: Hello.\nP1: Hi.');
    expect(result.speakerPattern).toBe('auto');
    expect(result.turns.map((turn) => turn.timestamp)).toEqual(['00:00:05', null]);
  });

  it('auto falls back to one turn per paragraph when no line has a label, and says so', async () => {
    const result = await read('notes.txt', 'First paragraph\nwraps here.\n\n\nSecond paragraph.');
    expect(result.speakerPattern).toBe('none');
    expect(result.turns).toEqual([
      { speaker: '', timestamp: null, text: 'First paragraph wraps here.' },
      { speaker: '', timestamp: null, text: 'Second paragraph.' },
    ]);
    expect(result.warnings).toContain('no speaker labels found: one turn per paragraph');
  });

  it('label-colon ignores timestamped lines, timestamp-label ignores untimed ones', async () => {
    const text = 'Interviewer: Hello.\n[00:00:09] P1: Hi.';
    const labelColon = await read('t.txt', text, 'label-colon');
    expect(labelColon.turns).toEqual([{ speaker: 'Interviewer', timestamp: null, text: 'Hello. [00:00:09] P1: Hi.' }]);
    const timestampLabel = await read('t.txt', text, 'timestamp-label');
    expect(timestampLabel.turns).toEqual([
      { speaker: '', timestamp: null, text: 'Interviewer: Hello.' },
      { speaker: 'P1', timestamp: '00:00:09', text: 'Hi.' },
    ]);
    expect(timestampLabel.warnings[0]).toMatch(/^lines 1–1 come before the first speaker label/);
  });

  it('none gives one turn per paragraph even where lines look labelled', async () => {
    const result = await read('t.txt', 'Interviewer: Hello.\nP1: Hi.\n\nP1: Later.', 'none');
    expect(result.speakerPattern).toBe('none');
    expect(result.turns.map((turn) => turn.text)).toEqual(['Interviewer: Hello. P1: Hi.', 'P1: Later.']);
  });

  it('a custom speaker list starts turns only at those labels, in the owner\'s spelling, longest first', async () => {
    const text = 'DR JANE SMITH (GP, NORTH): The point is: funding.\nNote: not a speaker.\ninterviewer : Go on.\n[00:02:00] Dr Jane Smith (GP, North): Yes.';
    const pattern = checkSpeakerPattern({ speakers: ['Interviewer', 'Dr Jane Smith (GP, North)', 'Dr Jane'] }, defaultLimits);
    const result = await read('t.txt', text, pattern);
    expect(result.speakerPattern).toEqual(pattern);
    expect(result.turns).toEqual([
      { speaker: 'Dr Jane Smith (GP, North)', timestamp: null, text: 'The point is: funding. Note: not a speaker.' },
      { speaker: 'Interviewer', timestamp: null, text: 'Go on.' },
      { speaker: 'Dr Jane Smith (GP, North)', timestamp: '00:02:00', text: 'Yes.' },
    ]);
  });

  it('drops labels without words and names lines before the first label in warnings', () => {
    const result = splitSpeakerTurns('Transcript of interview 4\nInterviewer:\nP1: Hello.', 'label-colon');
    expect(result.turns).toEqual([
      { speaker: '', timestamp: null, text: 'Transcript of interview 4' },
      { speaker: 'P1', timestamp: null, text: 'Hello.' },
    ]);
    expect(result.warnings).toEqual([
      'lines 1–1 come before the first speaker label and form a turn without a speaker',
      '1 speaker label(s) with no words were dropped (first: "Interviewer" on line 2)',
    ]);
  });

  it('warns about a label seen once among recurring speakers (a sentence with a colon)', () => {
    const lines = ['Interviewer: a', 'P1: b', 'Interviewer: c', 'P1: d', 'Interviewer: e', 'What I mean is: f'];
    const result = splitSpeakerTurns(lines.join('\n'), 'auto');
    expect(result.warnings).toEqual(['speakers that appear only once, perhaps a sentence with a colon: "What I mean is" (line 6)']);
  });

  it('never puts "\\n" inside a turn: the canonical text has one line per turn', async () => {
    const result = await read('t.txt', 'P1:   spaced\twords\n  more\n\nP2: x');
    expect(sourceText(result).split('\n')).toEqual(['spaced words more', 'x']);
  });

  it('normalises timestamps and refuses out-of-range fields', () => {
    expect(normaliseTimestamp('1:02')).toBe('00:01:02');
    expect(normaliseTimestamp('10:02:03,250')).toBe('10:02:03');
    expect(normaliseTimestamp('00:61')).toBeNull();
    expect(splitSpeakerTurns('[00:99] P1: x', 'auto').turns).toEqual([{ speaker: '', timestamp: null, text: '[00:99] P1: x' }]);
  });
});

describe('Markdown transcripts', () => {
  it('drops headings, emphasis, bullets, quotes, links, code fences and front matter but keeps the words', async () => {
    const markdown = [
      '---',
      'title: Interview 7',
      '---',
      '# Interview 7',
      '',
      '**Interviewer:** Tell me about _the_ board.',
      '- P7: It met *monthly*; see [minutes](https://example.org/m) and ![chart](c.png).',
      '> P7: A quote with `code` and ~~strike~~ and \\*stars\\*.',
      '```',
      'Interviewer: inside a fence',
      '```',
      '1. P7: snake_case stays; __bold__ goes.',
      '***',
      '<!-- a comment',
      'over lines -->',
      '| Interviewer: | a table row |',
    ].join('\n');
    const result = await read('i7.md', markdown);
    expect(result.format).toBe('md');
    expect(result.turns).toEqual([
      { speaker: '', timestamp: null, text: 'Interview 7' },
      { speaker: 'Interviewer', timestamp: null, text: 'Tell me about the board.' },
      { speaker: 'P7', timestamp: null, text: 'It met monthly; see minutes and chart.' },
      { speaker: 'P7', timestamp: null, text: 'A quote with code and strike and *stars*.' },
      { speaker: 'Interviewer', timestamp: null, text: 'inside a fence' },
      { speaker: 'P7', timestamp: null, text: 'snake_case stays; bold goes.' },
      { speaker: 'Interviewer', timestamp: null, text: 'a table row' },
    ]);
    // Line numbers in warnings still point into the file: the heading is line 4.
    expect(result.warnings[0]).toMatch(/^lines 4–5 come before/);
  });

  // A quadratic scan would take minutes on this input: the test's own timeout is the guard.
  it('reads pathological markup (no quadratic scans)', async () => {
    const hostile = `${'[[[[<!--<http:'.repeat(200_000)}\n${'_a'.repeat(200_000)}`;
    const limits = { ...defaultLimits, transcriptMaxChars: 10_000_000 };
    const { turns } = await readTranscriptFile({ fileName: 'x.md', bytes: utf8(hostile), limits });
    expect(turns.length).toBeGreaterThan(0);
  });
});

describe('previewTurns', () => {
  it('returns the turns, the pattern used and per-speaker counts, most turns first', async () => {
    const preview = await previewTurns({ fileName: 'P3.txt', bytes: utf8(interview), limits: defaultLimits });
    expect(preview.speakerPattern).toBe('label-colon');
    expect(preview.turns).toHaveLength(4);
    expect(preview.speakers).toEqual([
      { speaker: 'Interviewer', turns: 2, characters: 'Thank you for joining. Could you describe your role?'.length + 'And then?'.length },
      { speaker: 'Dr Smith', turns: 1, characters: 'We met at 10:30 that day.'.length },
      { speaker: 'P3', turns: 1, characters: 'I am a GP partner.'.length },
    ]);
    expect(preview.characters).toBe(sourceText(preview).length);
  });

  it('lets the owner fix the pattern: the same file with a speaker list gives other turns', async () => {
    const bytes = utf8('Moderator Anne Marie Jones Smith: Welcome.\nP1: Hi.\nModerator Anne Marie Jones Smith: Next.');
    const automatic = await previewTurns({ fileName: 'f.txt', bytes, limits: defaultLimits });
    // Five words is longer than a generic label may be, so auto does not see the moderator: the
    // first line is a turn without a speaker and the last one continues P1's turn.
    expect(automatic.speakers.map((count) => [count.speaker, count.turns])).toEqual([['', 1], ['P1', 1]]);
    const fixed = await previewTurns({
      fileName: 'f.txt',
      bytes,
      speakerPattern: { speakers: ['Moderator Anne Marie Jones Smith', 'P1'] },
      limits: defaultLimits,
    });
    expect(fixed.speakers).toEqual([
      { speaker: 'Moderator Anne Marie Jones Smith', turns: 2, characters: 'Welcome.'.length + 'Next.'.length },
      { speaker: 'P1', turns: 1, characters: 3 },
    ]);
  });
});

describe('checkSpeakerPattern', () => {
  it('accepts the named patterns and a list of labels', () => {
    for (const name of ['auto', 'label-colon', 'timestamp-label', 'none']) expect(checkSpeakerPattern(name, defaultLimits)).toBe(name);
    expect(checkSpeakerPattern({ speakers: ['  Dr   Smith ', 'P1'] }, defaultLimits)).toEqual({ speakers: ['Dr Smith', 'P1'] });
  });

  it('refuses anything else with a message naming the field', async () => {
    const refuse = (value: unknown, part: RegExp) =>
      expectRefusal(() => checkSpeakerPattern(value, { speakerLabelsMax: 3, nameMaxChars: 20 }), 'invalid_speaker_pattern', part);
    await refuse('regex:.*', /"regex:\.\*" is not one of auto, label-colon, timestamp-label, none/);
    await refuse({ speakers: [] }, /at least one/);
    await refuse({ speakers: ['a', 'b', 'c', 'd'] }, /at most 3 labels/);
    await refuse({ speakers: ['P1', 'p1'] }, /speakers\[1\]: "p1" is listed twice/);
    await refuse({ speakers: ['Interviewer:'] }, /without its colon/);
    await refuse({ speakers: ['x'.repeat(21)] }, /at most 20 characters/);
    await refuse({ speakers: [' '] }, /speakers\[0\]: the label is empty/);
    await refuse({ speakers: [3] }, /speakers\[0\]: expected a string/);
    await refuse(null, /expected one of/);
  });
});
