/**
 * Builds minimal DOCX files in memory: the three parts Word needs ([Content_Types].xml, _rels/.rels,
 * word/document.xml), zipped with fflate. Each paragraph is a list of runs; a run may be bold or
 * italic so tests can check that styling is dropped and the words kept.
 */
import { strToU8, zipSync } from 'fflate';

export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  /** A line break (`<w:br/>`) after the run. */
  breakAfter?: boolean;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

function runXml(run: Run): string {
  const properties = run.bold || run.italic ? `<w:rPr>${run.bold ? '<w:b/>' : ''}${run.italic ? '<w:i/>' : ''}</w:rPr>` : '';
  return `<w:r>${properties}<w:t xml:space="preserve">${escapeXml(run.text)}</w:t>${run.breakAfter ? '<w:br/>' : ''}</w:r>`;
}

export function documentXml(paragraphs: (string | Run[])[]): string {
  const body = paragraphs
    .map((paragraph) => `<w:p>${(typeof paragraph === 'string' ? [{ text: paragraph }] : paragraph).map(runXml).join('')}</w:p>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
}

/** A DOCX whose parts are given as text (or bytes); `word/document.xml` from `paragraphs` unless overridden. */
export function buildDocx(paragraphs: (string | Run[])[], extraParts: Record<string, string | Uint8Array> = {}): Uint8Array {
  const parts: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(contentTypes),
    '_rels/.rels': strToU8(packageRels),
    'word/document.xml': strToU8(documentXml(paragraphs)),
  };
  for (const [name, content] of Object.entries(extraParts)) parts[name] = typeof content === 'string' ? strToU8(content) : content;
  return zipSync(parts);
}
