/** Hostile and broken archives, built here with fflate: each is refused with its own code before harm. */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../server/config';
import { DomainError } from '../../../server/errors';
import { readQdpx } from '../../../server/exchange/refi/index';
import { zip } from './fixtures';

const minimalProject = '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>';

function refusal(bytes: Uint8Array, limits = defaultLimits): DomainError {
  try {
    readQdpx(bytes, limits);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('the import was not refused');
}

/** Offset of the first central-directory entry (PK\1\2) of an archive. */
function centralDirectoryEntry(bytes: Uint8Array): number {
  for (let offset = bytes.length - 22; offset >= 0; offset--) {
    if (bytes[offset] === 0x50 && bytes[offset + 1] === 0x4b && bytes[offset + 2] === 1 && bytes[offset + 3] === 2) {
      // Walk back to the first entry: entries are contiguous, so keep the lowest match.
      let first = offset;
      for (let earlier = offset - 1; earlier >= 0; earlier--) {
        if (bytes[earlier] === 0x50 && bytes[earlier + 1] === 0x4b && bytes[earlier + 2] === 1 && bytes[earlier + 3] === 2) first = earlier;
      }
      return first;
    }
  }
  throw new Error('no central directory');
}

function withDeclaredSize(bytes: Uint8Array, size: number): Uint8Array {
  const copy = bytes.slice();
  new DataView(copy.buffer).setUint32(centralDirectoryEntry(copy) + 24, size, true);
  return copy;
}

describe('hostile .qdpx archives', () => {
  it('refuses a file that is not a zip, and says so differently for XML', () => {
    expect(refusal(new TextEncoder().encode('just some text')).code).toBe('not_a_zip');
    const xml = refusal(new TextEncoder().encode(`\ufeff<?xml version="1.0"?>${minimalProject}`));
    expect(xml.code).toBe('not_a_zip');
    expect(xml.message).toMatch(/XML file/);
  });

  it('refuses a file over importMaxBytes before reading it', () => {
    const error = refusal(zip({ 'project.qde': minimalProject }), { ...defaultLimits, importMaxBytes: 50 });
    expect([error.kind, error.code]).toEqual(['too_large', 'import_too_large']);
  });

  it('refuses too many entries from the central directory', () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`sources/${index}.txt`, 'x']));
    expect(refusal(zip({ 'project.qde': minimalProject, ...files }), { ...defaultLimits, zipEntriesMax: 10 }).code).toBe('zip_too_many_entries');
  });

  it('refuses declared sizes over the cap and a bomb-like ratio before inflating', () => {
    const zeros = new Uint8Array(20 * 1024 * 1024);
    const bomb = zip({ 'project.qde': minimalProject, 'sources/zeros.txt': zeros });
    expect(bomb.length).toBeLessThan(100_000);
    expect(refusal(bomb).code).toBe('zip_ratio_too_high');
    expect(refusal(bomb, { ...defaultLimits, zipUncompressedMaxBytes: 1024 * 1024 }).code).toBe('zip_too_large');
  });

  it('stops inflating when the real output passes the declared size (the directory lied)', () => {
    const honest = zip({ 'project.qde': `${minimalProject}<!-- ${'padding '.repeat(200)} -->` });
    const error = refusal(withDeclaredSize(honest, 100));
    expect(error.code).toBe('zip_size_mismatch');
    expect(refusal(withDeclaredSize(honest, 5000)).code).toBe('zip_size_mismatch');
  });

  for (const name of ['../evil.txt', 'sources/../../evil.txt', '/etc/passwd', 'C:/Windows/evil.txt', 'sources\\..\\evil.txt']) {
    it(`refuses the entry name ${JSON.stringify(name)}`, () => {
      expect(refusal(zip({ 'project.qde': minimalProject, [name]: 'x' })).code).toBe('zip_unsafe_path');
    });
  }

  it('refuses encrypted entries and a truncated archive', () => {
    const archive = zip({ 'project.qde': minimalProject });
    const encrypted = archive.slice();
    encrypted[centralDirectoryEntry(encrypted) + 8] |= 1;
    expect(refusal(encrypted).code).toBe('zip_encrypted');
    expect(refusal(archive.subarray(0, archive.length - 30)).code).toBe('zip_corrupt');
  });

  it('refuses an archive without project.qde', () => {
    expect(refusal(zip({ 'sources/a.txt': 'hello' })).code).toBe('qdpx_no_project');
  });
});

describe('hostile project.qde', () => {
  const project = (qde: string) => zip({ 'project.qde': qde });

  it('refuses a DOCTYPE with entity declarations (billion laughs) without expanding anything', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><Project xmlns="urn:QDA-XML:project:1.0" name="&lol2;"/>`;
    expect(refusal(project(laughs)).code).toBe('xml_doctype');
  });

  it('refuses an external entity (XXE) and any undeclared entity', () => {
    expect(refusal(project(`<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project name="&x;"/>`)).code).toBe('xml_doctype');
    expect(refusal(project('<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')).code).toBe('xml_entity');
  });

  it('refuses nesting deeper than xmlDepthMax', () => {
    const depth = defaultLimits.xmlDepthMax + 10;
    const codes = `${'<Code guid="c" name="n" isCodable="true">'.repeat(depth)}${'</Code>'.repeat(depth)}`;
    const error = refusal(project(`<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>${codes}</Codes></CodeBook></Project>`));
    expect(error.code).toBe('xml_too_deep');
  });

  it('refuses text that is not XML, malformed XML, a foreign namespace and a codebook posing as a project', () => {
    expect(refusal(project('hello')).code).toBe('not_xml');
    expect(refusal(project('<Project name="p"><Users></Project>')).code).toBe('xml_malformed');
    expect(refusal(project('<Project xmlns="urn:example" name="p"/>')).code).toBe('xml_namespace');
    expect(refusal(project('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')).code).toBe('not_a_project');
  });

  it('refuses a project.qde or source text that is not UTF-8', () => {
    expect(refusal(zip({ 'project.qde': new Uint8Array([0x3c, 0x50, 0xff, 0xfe, 0x3e]) })).code).toBe('text_encoding');
    const qde = '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="a" name="s" plainTextPath="internal://a.txt"/></Sources></Project>';
    expect(refusal(zip({ 'project.qde': qde, 'sources/a.txt': new Uint8Array([0x61, 0xc3, 0x28]) })).code).toBe('text_encoding');
  });

  it('refuses a source over transcriptMaxChars and more codes than codesPerProjectMax (all or nothing)', () => {
    const qde = '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="a" name="s" plainTextPath="internal://a.txt"/></Sources></Project>';
    expect(refusal(zip({ 'project.qde': qde, 'sources/a.txt': 'word '.repeat(100) }), { ...defaultLimits, transcriptMaxChars: 50 }).code).toBe('transcript_too_long');
    const codes = Array.from({ length: 3 }, (_, index) => `<Code guid="c${index}" name="n" isCodable="true"/>`).join('');
    const many = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>${codes}</Codes></CodeBook></Project>`;
    expect(refusal(project(many), { ...defaultLimits, codesPerProjectMax: 2 }).code).toBe('too_many_codes');
  });

  it('reads a stored (uncompressed) project.qde too', () => {
    const stored = zipSync({ 'project.qde': [strToU8(minimalProject), { level: 0 }] });
    expect(new TextDecoder().decode(stored)).toContain(minimalProject);
    expect(readQdpx(stored).project.name).toBe('p');
  });
});
