/**
 * The REFI-QDA XML reader on its own: the tree it builds, the refusals (each with its own code) and
 * that what the writers escape reads back unchanged.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../server/errors';
import { escapeAttribute, escapeText, parseXml } from '../../../server/exchange/refi/xml';

const depth = 16;

function refusal(xml: string, maxDepth = depth): DomainError {
  try {
    parseXml(xml, maxDepth);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error(`not refused: ${xml}`);
}

describe('the tree parseXml builds', () => {
  it('drops namespace prefixes from names, keeps the prefix and namespace declarations', () => {
    const root = parseXml('<qda:Project xmlns:qda="urn:QDA-XML:project:1:0" xmlns="urn:other" qda:name="P" origin="x"><qda:Users><User guid="u"/></qda:Users></qda:Project>', depth);
    expect(root).toEqual({
      name: 'Project',
      prefix: 'qda',
      attributes: { 'xmlns:qda': 'urn:QDA-XML:project:1:0', xmlns: 'urn:other', name: 'P', origin: 'x' },
      children: [{ name: 'Users', prefix: 'qda', attributes: {}, children: [{ name: 'User', prefix: '', attributes: { guid: 'u' }, children: [], text: '' }], text: '' }],
      text: '',
    });
  });

  it('reads a prefix that was never declared, as real exports sometimes have', () => {
    const root = parseXml('<Project xmlns="urn:QDA-XML:project:1.0"><x:Sources xsi:note="n"/></Project>', depth);
    expect(root.children[0]).toMatchObject({ name: 'Sources', prefix: 'x', attributes: { note: 'n' } });
  });

  it('concatenates an element’s text and CDATA around comments, processing instructions and children', () => {
    const root = parseXml('<a>one <!-- skipped --><![CDATA[<two> & ]]><?pi data?>three<b>inner</b> four &lt;&#x1F642;&#233;&amp;&quot;&apos;&gt;</a>', depth);
    expect(root.text).toBe('one <two> & three four <🙂é&"\'>');
    expect(root.children[0].text).toBe('inner');
  });

  it('turns CRLF and CR into "\\n" in text and into a space in attributes; references to them survive', () => {
    const root = parseXml('<a b="one\r\ntwo\rthree\tfour" c="&#13;&#10;&#9;">x\r\ny\rz&#13;&#10;</a>', depth);
    expect(root.attributes).toEqual({ b: 'one two three four', c: '\r\n\t' });
    expect(root.text).toBe('x\ny\nz\r\n');
  });

  it('accepts a BOM, whitespace before the declaration, a full declaration or none', () => {
    for (const xml of ['\ufeff<a/>', '\ufeff<?xml version="1.0" encoding="utf-8"?><a/>', '\n  <?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<a/>\n', '<!-- first --><a/>']) {
      expect(parseXml(xml, depth).name).toBe('a');
    }
  });
});

describe('what parseXml refuses', () => {
  it('refuses a DOCTYPE, wherever it is and however it ends, and any declaration outside one', () => {
    const declarations = [
      '<!DOCTYPE a><a/>',
      '<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
      '<!DOCTYPE a SYSTEM "a.dtd"><a/>',
      '<a/><!DOCTYPE a>',
      '<!DOCTYPE a [<!ENTITY e "never closed"',
      '<!ENTITY e "x"><a/>',
      '<a><!ELEMENT a ANY></a>',
    ];
    for (const xml of declarations) expect([xml, refusal(xml).code]).toEqual([xml, 'xml_doctype']);
  });

  it('refuses an undeclared entity in text or in an attribute, naming it and where it is', () => {
    const inText = refusal('<a>\n fish &chips; </a>');
    expect(inText.code).toBe('xml_entity');
    expect(inText.message).toContain('"&chips;" (line 2, column 13)');
    const inAttribute = refusal('<a b="&nbsp;"/>');
    expect(inAttribute.code).toBe('xml_entity');
    expect(inAttribute.message).toContain('"&nbsp;"');
  });

  it('never fetches what a DOCTYPE or an external entity points to', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.end('<!ENTITY e "fetched">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/evil.dtd`;
    try {
      expect(refusal(`<!DOCTYPE a SYSTEM "${url}"><a>&e;</a>`).code).toBe('xml_doctype');
      expect(refusal(`<!DOCTYPE a [<!ENTITY % p SYSTEM "${url}"> %p;]><a>&e;</a>`).code).toBe('xml_doctype');
      // Any fetch would be asynchronous; give one time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('refuses nesting deeper than maxDepth while reading, self-closing elements included', () => {
    const nested = (levels: number, innermost: string) => `${'<e>'.repeat(levels - 1)}${innermost}${'</e>'.repeat(levels - 1)}`;
    expect(() => parseXml(nested(depth, '<e/>'), depth)).not.toThrow();
    expect(refusal(nested(depth + 1, '<e/>')).code).toBe('xml_too_deep');
    expect(refusal(nested(depth + 1, '<e></e>')).code).toBe('xml_too_deep');
    // Refused at the first level too deep, although the rest of the file never closes anything.
    const unclosed = refusal('<e>'.repeat(1_000_000));
    expect([unclosed.code, unclosed.message]).toEqual(['xml_too_deep', `the XML nests elements deeper than ${depth} levels`]);
  });

  it('reads very deep nesting without recursion when the limit allows it', () => {
    const levels = 100_000;
    let element = parseXml(`${'<e>'.repeat(levels)}deepest${'</e>'.repeat(levels)}`, levels);
    let count = 1;
    while (element.children.length > 0) {
      element = element.children[0];
      count++;
    }
    expect([count, element.text]).toEqual([levels, 'deepest']);
  });

  it('refuses malformed XML with the reason and where', () => {
    const cases: [string, RegExp][] = [
      ['<Project name="p"><Users></Project>', /unexpected close tag \(line 1, column 35\)/],
      ['<a>', /unclosed tag: a/],
      ['<a/><b/>', /only one root/],
      ['<a/>text', /text data outside of root node/],
      ['<a b=1/>', /unquoted attribute value/],
      ['<a b="<"/>', /disallowed character/],
      ['<a b="1" b="2"/>', /duplicate attribute: b/],
      ['<a>\u0001</a>', /disallowed character/],
      ['<a>&#0;</a>', /malformed character entity/],
      // XML 1.1 would allow this reference; REFI-QDA files are XML 1.0 whatever they declare.
      ['<?xml version="1.1"?><a>&#1;</a>', /malformed character entity/],
      ['<a>fish & chips</a>', /"&" must start an entity reference ending in ";" \(line 1, near "& chips<\/a>"\)/],
      ['<a><![CDATA[never closed</a>', /unclosed tag: a/],
    ];
    for (const [xml, reason] of cases) {
      const error = refusal(xml);
      expect([xml, error.code]).toEqual([xml, 'xml_malformed']);
      expect(error.message).toMatch(/^the XML is malformed: /);
      expect(error.message).toMatch(reason);
    }
  });

  it('says a file is not XML when it does not start with "<" or has no root element', () => {
    for (const text of ['hello', '', '   ', '\ufeffPK', '<?xml version="1.0"?>', '<!-- only a comment -->']) {
      expect([text, refusal(text).code]).toEqual([text, 'not_xml']);
    }
  });
});

describe('escaping for the writers', () => {
  // What XML 1.0 cannot carry at all the writers replace with U+FFFD; everything else comes back.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 forbids are the point.
  const representable = (value: string) => value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

  it('reads back every escaped text and attribute value, line breaks and tabs included', () => {
    const value = fc.string({ unit: fc.oneof(fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', '\r\n', ']]>', '&amp;', '\u0000', '\ud800', '🙂'), fc.string({ unit: 'binary', maxLength: 3 })), maxLength: 30 });
    fc.assert(
      fc.property(value, (text) => {
        const root = parseXml(`<a b="${escapeAttribute(text)}">${escapeText(text)}</a>`, depth);
        expect(root.attributes.b).toBe(representable(text));
        expect(root.text).toBe(representable(text));
      }),
    );
  });
});
