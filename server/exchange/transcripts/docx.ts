/**
 * DOCX → plain text, one paragraph per line block (paragraphs separated by a blank line), styling
 * dropped. mammoth reads the document; before it does, the archive is inflated once in bounded
 * chunks to measure what it really unpacks to, because a zip's declared sizes can lie (zip bomb).
 */
import { Unzip, UnzipInflate } from 'fflate';
import type { Limits } from '../../config';
import { invalid, tooLarge, unsupported } from '../../errors';

/** OLE compound file: what Word writes for a password-protected document, and for legacy .doc. */
const oleSignature = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const zipSignature = [0x50, 0x4b, 0x03, 0x04];
/** Deflate expands at most ~1032×, so one pushed chunk can produce at most ~66 MB before the count is checked. */
const inflateChunkBytes = 64 * 1024;

const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
const corrupt = (detail: string) => invalid(`corrupt DOCX: ${detail}`, 'corrupt_docx');

/** Inflates every part, counting bytes; throws too large past the limit, corrupt when the zip does not read. */
function checkArchive(bytes: Uint8Array, maxUnpackedBytes: number): void {
  let unpackedBytes = 0;
  let hasDocumentPart = false;
  let failure: Error | null = null;
  const archive = new Unzip((file) => {
    if (file.name === 'word/document.xml') hasDocumentPart = true;
    file.ondata = (error, chunk) => {
      if (failure) return;
      if (error) {
        failure = corrupt(`part ${file.name} does not inflate (${error.message})`);
        return;
      }
      unpackedBytes += chunk.length;
      if (unpackedBytes > maxUnpackedBytes) {
        failure = tooLarge(`the DOCX unpacks to more than ${maxUnpackedBytes} bytes`, 'docx_too_large');
        file.terminate();
      }
    };
    try {
      file.start();
    } catch (error) {
      failure ??= corrupt(`part ${file.name} uses an unknown compression (${(error as Error).message})`);
    }
  });
  archive.register(UnzipInflate);
  try {
    for (let offset = 0; offset < bytes.length && !failure; offset += inflateChunkBytes)
      archive.push(bytes.subarray(offset, offset + inflateChunkBytes), offset + inflateChunkBytes >= bytes.length);
  } catch (error) {
    failure ??= corrupt(`the zip archive does not read (${(error as Error).message})`);
  }
  if (failure) throw failure;
  if (!hasDocumentPart) throw invalid('not a Word document: the zip archive has no word/document.xml', 'not_a_word_document');
}

export interface DocxText {
  /** Paragraphs separated by a blank line; line breaks inside a paragraph are single "\n". */
  text: string;
  warnings: string[];
}

/** The subset of mammoth's document tree that carries words. */
interface DocumentElement {
  type: string;
  value?: string;
  children?: DocumentElement[];
}

/**
 * mammoth's own extractRawText drops line breaks (`<w:br/>`), gluing the words on either side;
 * this walk keeps them as "\n", tabs as spaces, and ends each paragraph with a blank line.
 */
function elementText(element: DocumentElement): string {
  switch (element.type) {
    case 'text':
      return element.value ?? '';
    case 'tab':
      return ' ';
    case 'break':
      return '\n';
    default: {
      const inner = (element.children ?? []).map(elementText).join('');
      return element.type === 'paragraph' ? `${inner}\n\n` : inner;
    }
  }
}

export async function docxToText(bytes: Uint8Array, limits: Pick<Limits, 'docxUnpackedMaxBytes'>): Promise<DocxText> {
  if (startsWith(bytes, oleSignature))
    throw unsupported('encrypted or legacy Word file: save it as .docx without a password', 'encrypted_or_legacy_word');
  if (!startsWith(bytes, zipSignature)) throw corrupt('a .docx file is a zip archive, and this file is not one');
  checkArchive(bytes, limits.docxUnpackedMaxBytes);
  let text = '';
  let messages: { type: string; message: string }[];
  try {
    // Loaded on first use: mammoth and its zip reader cost ~0.1 s that a server start should not pay.
    const { default: mammoth } = await import('mammoth');
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        // Read the words from the tree and hand mammoth an empty body, so it renders no HTML we would discard.
        transformDocument: (document: DocumentElement) => {
          text = elementText(document);
          return { ...document, children: [] };
        },
      },
    );
    messages = result.messages;
  } catch (error) {
    throw corrupt(`Word's document part does not read (${(error as Error).message})`);
  }
  // mammoth's warnings are about styles it does not map to HTML, which plain text does not use; errors matter.
  const warnings = messages.filter((message) => message.type === 'error').map((message) => `DOCX: ${message.message}`);
  return { text, warnings };
}
