import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { DomainError } from '../../../server/errors';
import { readTranscriptFile, transcriptFormat } from '../../../server/exchange/transcripts/transcriptFile';
import { expectRefusal, utf8 } from './encodings';

const read = (fileName: string, bytes: Uint8Array, limits = defaultLimits) => readTranscriptFile({ fileName, bytes, limits });

describe('transcript file refusals', () => {
  it('refuses unknown types as unsupported, listing the accepted ones and advising on common ones', async () => {
    for (const [fileName, advice] of [
      ['report.pdf', 'export the text as .txt or .docx'],
      ['old.doc', 'save it from Word as .docx'],
      ['notes.odt', 'save it as .docx'],
    ]) {
      const error = await expectRefusal(() => read(fileName, utf8('x')), 'unsupported_type', advice);
      expect(error.kind).toBe('unsupported');
      expect(error.message).toContain('accepted types: .txt, .text, .md, .markdown, .docx, .vtt, .srt');
    }
    await expectRefusal(() => read('README', utf8('x')), 'unsupported_type', /"README" has no file extension/);
  });

  it('picks the format from the extension whatever its case', () => {
    expect(['a.TXT', 'b.Md', 'c.markdown', 'd.DOCX', 'e.vtt', 'f.SRT'].map(transcriptFormat)).toEqual(['txt', 'md', 'md', 'docx', 'vtt', 'srt']);
  });

  it('refuses a file over the size limit as too large, before reading it', async () => {
    const limits = { ...defaultLimits, transcriptFileMaxBytes: 10 };
    const error = await expectRefusal(() => read('a.txt', utf8('P1: eleven b'), limits), 'file_too_large', /12 bytes; transcript files may be at most 10 bytes/);
    expect(error.kind).toBe('too_large');
  });

  it('refuses an empty file, and a file with no words, as empty', async () => {
    await expectRefusal(() => read('a.txt', new Uint8Array()), 'empty_transcript', '"a.txt" is empty');
    await expectRefusal(() => read('a.txt', utf8(' \n\r\n\t \n')), 'empty_transcript', '"a.txt" has no transcript text');
    await expectRefusal(() => read('a.md', utf8('# \n---\n**\n')), 'empty_transcript', /has no transcript text/);
    await expectRefusal(() => read('a.vtt', utf8('WEBVTT\n\nNOTE only a note\n')), 'empty_transcript', /has no transcript text/);
  });

  it('refuses a transcript whose canonical text is over the character limit', async () => {
    const limits = { ...defaultLimits, transcriptMaxChars: 10 };
    // "12345" + "\n" + "6789" is 10 characters: at the limit. One more is over.
    await expect(read('a.txt', utf8('P1: 12345\nP2: 6789'), limits)).resolves.toBeTruthy();
    await expectRefusal(() => read('a.txt', utf8('P1: 12345\nP2: 67890'), limits), 'transcript_too_long', /11 characters of text; transcripts hold at most 10/);
  });

  it('refuses a speaker label longer than a name may be', async () => {
    const limits = { ...defaultLimits, nameMaxChars: 10 };
    const file = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v ${'N'.repeat(11)}>Hi\n`;
    await expectRefusal(() => read('a.vtt', utf8(file), limits), 'speaker_too_long', /longer than 10 characters/);
  });

  it('passes decoding refusals through for every text format', async () => {
    for (const fileName of ['a.txt', 'a.md', 'a.vtt', 'a.srt']) {
      await expectRefusal(() => read(fileName, new Uint8Array([0x57, 0xff])), 'not_decodable', /at byte 1/);
      const error = await expectRefusal(() => read(fileName, new Uint8Array([0x57, 0x00])), 'not_text_file');
      expect(error).toBeInstanceOf(DomainError);
    }
  });
});
