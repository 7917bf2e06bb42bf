import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { readTranscriptFile } from '../../../server/exchange/transcripts/transcriptFile';
import { buildDocx, documentXml } from './docxFixture';
import { expectRefusal } from './encodings';

const read = (bytes: Uint8Array, limits = defaultLimits, speakerPattern?: 'none') =>
  readTranscriptFile({ fileName: 'Interview 2.DOCX', bytes, speakerPattern, limits });

describe('DOCX transcripts', () => {
  it('keeps paragraphs and words, drops styling, and finds speaker turns', async () => {
    const docx = buildDocx([
      [{ text: 'Interviewer:', bold: true }, { text: ' How did the ' }, { text: 'board', italic: true }, { text: ' start?' }],
      [{ text: 'P2: It was', breakAfter: true }, { text: 'informal & small.' }],
      'More from P2 in a second paragraph.',
      '',
      '[00:10:00] Interviewer: Thanks.',
    ]);
    const result = await read(docx);
    expect(result.format).toBe('docx');
    expect(result.turns).toEqual([
      { speaker: 'Interviewer', timestamp: null, text: 'How did the board start?' },
      // The line break inside the paragraph keeps the words apart.
      { speaker: 'P2', timestamp: null, text: 'It was informal & small. More from P2 in a second paragraph.' },
      { speaker: 'Interviewer', timestamp: '00:10:00', text: 'Thanks.' },
    ]);
  });

  it('gives one turn per Word paragraph with the none pattern', async () => {
    const result = await read(buildDocx(['First.', 'Second, with Name: inside.']), defaultLimits, 'none');
    expect(result.turns.map((turn) => turn.text)).toEqual(['First.', 'Second, with Name: inside.']);
  });

  it('refuses an encrypted (OLE compound) file with advice', async () => {
    const ole = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(504)]);
    await expectRefusal(() => read(ole), 'encrypted_or_legacy_word', 'encrypted or legacy Word file: save it as .docx without a password');
  });

  it('refuses a file that is not a zip, a truncated zip and a zip without word/document.xml, each with its own code', async () => {
    await expectRefusal(() => read(strToU8('Interviewer: plain text renamed to .docx')), 'corrupt_docx', /not a zip archive|is not one/);
    const docx = buildDocx(['Some words that make the archive long enough to cut.']);
    await expectRefusal(() => read(docx.subarray(0, Math.floor(docx.length * 0.6))), 'corrupt_docx', /^corrupt DOCX/);
    await expectRefusal(() => read(zipSync({ 'notes.txt': strToU8('hello') })), 'not_a_word_document', /no word\/document\.xml/);
  });

  it('refuses a document part that is not XML as corrupt', async () => {
    const broken = buildDocx([], { 'word/document.xml': '<w:document><w:body><w:p>' });
    await expectRefusal(() => read(broken), 'corrupt_docx', /^corrupt DOCX/);
  });

  it('refuses a zip bomb by what it really unpacks to, not what it declares', async () => {
    // 8 MB of spaces inside a paragraph compresses to a few kilobytes.
    const bomb = buildDocx([], { 'word/document.xml': documentXml([`P1: ${' '.repeat(8 * 1024 * 1024)}end`]) });
    expect(bomb.length).toBeLessThan(100_000);
    await expectRefusal(() => read(bomb, { ...defaultLimits, docxUnpackedMaxBytes: 1024 * 1024 }), 'docx_too_large', /more than 1048576 bytes/);
    // Within the limit the same file reads.
    const result = await read(bomb, { ...defaultLimits, docxUnpackedMaxBytes: 16 * 1024 * 1024 });
    expect(result.turns).toEqual([{ speaker: 'P1', timestamp: null, text: 'end' }]);
  });

  it('refuses a document with no words as empty', async () => {
    await expectRefusal(() => read(buildDocx(['', ' '])), 'empty_transcript', /has no transcript text/);
  });
});
