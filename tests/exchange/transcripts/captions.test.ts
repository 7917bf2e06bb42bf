import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { readTranscriptFile } from '../../../server/exchange/transcripts/transcriptFile';
import { encodings, expectRefusal, utf8 } from './encodings';

const read = (fileName: string, bytes: Uint8Array, speakerPattern?: 'auto' | 'none' | { speakers: string[] }) =>
  readTranscriptFile({ fileName, bytes, speakerPattern, limits: defaultLimits });

const teamsStyle = `WEBVTT - meeting recording
Kind: captions

NOTE exported by the meeting tool
spanning two lines

STYLE
::cue { color: yellow }

REGION
id:left width:40%

a1b2-1
00:00:01.200 --> 00:00:04.000 align:start position:10%
<v Dr Jane Smith>Thanks for <b>joining</b> &amp; welcome.</v>

a1b2-2
00:00:04.500 --> 00:00:06.000
<v Dr Jane Smith>Shall we start?</v>

00:00:06.100 --> 00:00:09.900
<v.participant P3>Yes, <i>of course</i> &lt;laughs&gt;.</v>

01:02:03.999 --> 01:02:05.000
<v Dr Jane Smith><c.yellow>Last</c> <00:00:04.100>question.</v>
`;

describe('WebVTT', () => {
  for (const [name, encode] of Object.entries(encodings)) {
    it(`${name}: voice tags become speakers, consecutive cues of one speaker merge, other tags and blocks are dropped`, async () => {
      const result = await read('meeting.vtt', encode(teamsStyle));
      expect(result.format).toBe('vtt');
      expect(result.turns).toEqual([
        { speaker: 'Dr Jane Smith', timestamp: '00:00:01', text: 'Thanks for joining & welcome. Shall we start?' },
        { speaker: 'P3', timestamp: '00:00:06', text: 'Yes, of course <laughs>.' },
        { speaker: 'Dr Jane Smith', timestamp: '01:02:03', text: 'Last question.' },
      ]);
      expect(result.warnings).toEqual([]);
    });
  }

  it('reads "Name:" prefixes as speakers; a cue without one continues the previous speaker', async () => {
    const zoomStyle = 'WEBVTT\n\n1\n00:00.500 --> 00:02.000\nInterviewer: How did it start?\n\n2\n00:02.000 --> 00:03.000\nIt was slow.\n\n3\n00:03.000 --> 00:05.000\nP1: Badly.\nReally badly.\n';
    const result = await read('zoom.vtt', utf8(zoomStyle));
    expect(result.turns).toEqual([
      { speaker: 'Interviewer', timestamp: '00:00:00', text: 'How did it start? It was slow.' },
      { speaker: 'P1', timestamp: '00:00:03', text: 'Badly. Really badly.' },
    ]);
  });

  it('splits a cue with two voices into two turns at the same timestamp', async () => {
    const result = await read('two.vtt', utf8('WEBVTT\n\n00:00:10.000 --> 00:00:12.000\n<v Anna>Hi.\n<v Ben>Hello.\n'));
    expect(result.turns).toEqual([
      { speaker: 'Anna', timestamp: '00:00:10', text: 'Hi.' },
      { speaker: 'Ben', timestamp: '00:00:10', text: 'Hello.' },
    ]);
  });

  it('keeps one turn per cue when no cue names a speaker', async () => {
    const result = await read('plain.vtt', utf8('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOne.\n\n00:00:03.000 --> 00:00:04.000\nTwo.\n'));
    expect(result.turns).toEqual([
      { speaker: '', timestamp: '00:00:01', text: 'One.' },
      { speaker: '', timestamp: '00:00:03', text: 'Two.' },
    ]);
  });

  it('with the none pattern, "Name:" stays text but voice tags still count', async () => {
    const file = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nNote: this is text.\n\n00:00:03.000 --> 00:00:04.000\n<v Ann>Voice.\n';
    const result = await read('n.vtt', utf8(file), 'none');
    expect(result.turns).toEqual([
      { speaker: '', timestamp: '00:00:01', text: 'Note: this is text.' },
      { speaker: 'Ann', timestamp: '00:00:03', text: 'Voice.' },
    ]);
  });

  it('with a speaker list, only listed "Name:" prefixes count', async () => {
    const file = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nChair: Welcome.\n\n00:00:03.000 --> 00:00:04.000\nAgenda: item one.\n';
    const result = await read('l.vtt', utf8(file), { speakers: ['Chair'] });
    expect(result.turns).toEqual([{ speaker: 'Chair', timestamp: '00:00:01', text: 'Welcome. Agenda: item one.' }]);
  });

  it('skips empty cues and blocks without a timing, with warnings', async () => {
    const file = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<b></b>\n\njust some words\n\n00:00:03.000 --> 00:00:04.000\nText.\n';
    const result = await read('w.vtt', utf8(file));
    expect(result.turns).toEqual([{ speaker: '', timestamp: '00:00:03', text: 'Text.' }]);
    expect(result.warnings).toEqual(['1 block(s) without a cue timing were skipped', '1 cue(s) without text were skipped']);
  });

  it('refuses a file without the WEBVTT header, and a malformed timing naming its line', async () => {
    await expectRefusal(() => read('x.vtt', utf8('1\n00:00:01,000 --> 00:00:02,000\nHi\n')), 'invalid_subtitles', /first line must be WEBVTT/);
    await expectRefusal(
      () => read('x.vtt', utf8('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOk\n\n00:00:03 --> 00:00:04.000\nBad\n')),
      'invalid_subtitles',
      /^line 6: "00:00:03 --> 00:00:04.000" is not a cue timing/,
    );
  });
});

describe('SubRip', () => {
  const srt = '1\r\n00:00:01,000 --> 00:00:03,500\r\nInterviewer: <i>Welcome</i> back.\r\n\r\n2\r\n00:00:04,000 --> 00:00:05,000 X1:10 X2:20 Y1:5 Y2:9\r\n{\\an8}Shall we go on?\r\n\r\n3\r\n00:01:00,250 --> 00:01:02,000\r\n- P2: <font color="#ff0">Yes.</font>\r\n\r\nA line after a blank line.\r\n';

  for (const [name, encode] of Object.entries(encodings)) {
    it(`${name}: cues become turns with hh:mm:ss starts, tags and positions dropped`, async () => {
      const result = await read('session.srt', encode(srt));
      expect(result.format).toBe('srt');
      expect(result.turns).toEqual([
        { speaker: 'Interviewer', timestamp: '00:00:01', text: 'Welcome back. Shall we go on?' },
        { speaker: 'P2', timestamp: '00:01:00', text: 'Yes. A line after a blank line.' },
      ]);
      expect(result.warnings).toEqual(['1 blank line(s) inside cue text were joined to their cue']);
    });
  }

  it('refuses a first block that is not a cue, and a bad timing naming its line', async () => {
    await expectRefusal(() => read('x.srt', utf8('Hello there\n')), 'invalid_subtitles', /^line 1: expected a cue number/);
    await expectRefusal(() => read('x.srt', utf8('1\n00:00:01 --> 00:00:02\nHi\n')), 'invalid_subtitles', /^line 2: .* is not a cue timing/);
    await expectRefusal(() => read('x.srt', utf8('1\n')), 'invalid_subtitles', /^line 1: expected a cue number/);
  });
});
