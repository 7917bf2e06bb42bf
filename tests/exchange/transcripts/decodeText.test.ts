import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTextFile, firstInvalidUtf8Offset } from '../../../server/exchange/transcripts/decodeText';
import { encodings, expectRefusal, utf8, utf16le } from './encodings';

const sample = 'Interviewer: Grüße, 你好 and 🎉\nP1: fine';

describe('decodeTextFile', () => {
  for (const [name, encode] of Object.entries(encodings)) {
    it(`reads ${name} and drops the byte order mark`, () => {
      const decoded = decodeTextFile(encode(sample));
      expect(decoded.text).toBe(sample);
      expect(decoded.encoding).toBe(name.startsWith('UTF-16 LE') ? 'utf-16le' : name.startsWith('UTF-16 BE') ? 'utf-16be' : 'utf-8');
    });
  }

  it('turns CRLF, CR and LF line endings into "\\n"', () => {
    expect(decodeTextFile(utf8('a\r\nb\rc\nd\r\n\r\ne')).text).toBe('a\nb\nc\nd\n\ne');
    expect(decodeTextFile(utf16le('a\r\nb\rc')).text).toBe('a\nb\nc');
  });

  it('refuses invalid UTF-8 naming the byte offset instead of inserting U+FFFD', async () => {
    // "café" in Latin-1: é is the single byte 0xE9 at offset 3.
    await expectRefusal(() => decodeTextFile(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a])), 'not_decodable', /0xE9 at byte 3/);
    // A truncated 3-byte sequence at the end, after a BOM.
    await expectRefusal(() => decodeTextFile(new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xe2, 0x82])), 'not_decodable', /at byte 4/);
    // Overlong "/" (0xC0 0xAF) and an encoded surrogate (0xED 0xA0 0x80) are not UTF-8 either.
    await expectRefusal(() => decodeTextFile(new Uint8Array([0x41, 0xc0, 0xaf])), 'not_decodable', /at byte 1/);
    await expectRefusal(() => decodeTextFile(new Uint8Array([0xed, 0xa0, 0x80])), 'not_decodable', /at byte 0/);
  });

  it('refuses UTF-16 with half a character or an unpaired surrogate', async () => {
    await expectRefusal(() => decodeTextFile(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x42])), 'not_decodable', /half a character/);
    await expectRefusal(() => decodeTextFile(new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x00, 0xd8, 0x41, 0x00])), 'not_decodable', /surrogate at byte 4/);
  });

  it('refuses binary content as not a text file', async () => {
    await expectRefusal(() => decodeTextFile(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), 'not_text_file', /NUL byte at byte 8/);
    // UTF-16 without a byte order mark is full of NUL bytes: say so.
    await expectRefusal(() => decodeTextFile(new Uint8Array(Buffer.from('Hi', 'utf16le'))), 'not_text_file', /without a byte order mark/);
    await expectRefusal(() => decodeTextFile(utf8('ok\u0007bell')), 'not_text_file', /U\+0007 at byte 2/);
    await expectRefusal(() => decodeTextFile(utf16le('ok\u0000')), 'not_text_file', /U\+0000 at byte 6/);
  });

  it('agrees with the platform decoder on which byte strings are UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          valid = false;
        }
        expect(firstInvalidUtf8Offset(bytes) < 0).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });
});
