/**
 * The REFI-QDA reader's XML parsing, on saxes (a strict, non-validating XML 1.0 parser without DTD
 * processing or any I/O), and the escaping the REFI-QDA writers need.
 *
 * Imports are hostile input, so on top of saxes' well-formedness checks: a DOCTYPE or any other
 * `<!` declaration is refused (saxes never expands or fetches what a DTD declares, and we do not let
 * a file carry one at all), an undeclared entity is refused rather than kept as text, nesting is
 * bounded while reading (saxes is iterative and so is our tree building, so a deep file cannot
 * overflow the stack), and element names lose their namespace prefix so the several namespace
 * spellings real tools write (notes §7.5) read alike.
 */
import { SaxesParser } from 'saxes';
import { type DomainError, invalid } from '../../errors';

export interface XmlElement {
  /** Local name, without any namespace prefix. */
  name: string;
  /** The namespace prefix the element was written with ('' for none). */
  prefix: string;
  /** Attributes by local name (namespace declarations are kept under their `xmlns…` names). */
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (text and CDATA), concatenated. */
  text: string;
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

const malformed = (message: string) => invalid(`the XML is malformed: ${message}`, 'xml_malformed');

const doctypeRefusal = () =>
  invalid(
    'the XML contains a DOCTYPE or other declaration; REFI-QDA files need none, and they can hide entity expansion or external references',
    'xml_doctype',
  );

// An "&" that starts no complete reference. saxes reads an entity name up to the next ";" however
// far that is, so such an "&" surfaces only at the end of the input, as an unclosed tag.
const bareAmpersand = /&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|[^\s&;<>"']+);)/;

/**
 * Our refusal for one saxes error. saxes reports every problem as "line:column: message"; the
 * messages matched here are saxes 6's own wording (tests/exchange/refi/xml.test.ts fails if an
 * upgrade rewords them).
 */
function refusalFor(saxesMessage: string, input: string, position: number): DomainError {
  const separator = saxesMessage.indexOf(': ');
  const where = saxesMessage.slice(0, separator).replace(/^(\d+):(\d+)$/, 'line $1, column $2');
  const problem = saxesMessage.slice(separator + 2);
  switch (problem) {
    case 'undefined entity.': {
      // saxes fails just after the ";" of the reference; the "&" is the last one before it.
      const reference = input.slice(input.lastIndexOf('&', position - 1), position).slice(0, 60);
      // Only the five predefined entities exist without a DTD, and we never accept a DTD.
      return invalid(`the XML uses the undeclared entity "${reference}" (${where})`, 'xml_entity');
    }
    // "<!" followed by anything but "--", "[CDATA[" or "DOCTYPE": an <!ENTITY>, <!ELEMENT>, … outside a DTD.
    case 'incorrect syntax.':
    case 'inappropriately located doctype declaration.':
      return doctypeRefusal();
    case 'document must contain a root element.':
      // An unterminated DOCTYPE swallows the rest of the file, so it ends without a root.
      if (input.includes('<!DOCTYPE')) return doctypeRefusal();
      return invalid('the file is not XML (no root element)', 'not_xml');
  }
  const ampersand = position >= input.length ? bareAmpersand.exec(input) : null;
  if (ampersand) {
    const line = input.slice(0, ampersand.index).split('\n').length;
    return malformed(`"&" must start an entity reference ending in ";" (line ${line}, near "${input.slice(ampersand.index, ampersand.index + 20)}")`);
  }
  return malformed(`${problem.replace(/\.$/, '')} (${where})`);
}

/**
 * Parses a whole document into its root element. Refuses a DOCTYPE or any other `<!` declaration,
 * an undeclared entity, nesting deeper than `maxDepth`, and anything that is not well-formed XML 1.0.
 */
export function parseXml(input: string, maxDepth: number): XmlElement {
  // A BOM and whitespace before the first "<" are accepted (saxes would refuse whitespace before
  // an XML declaration); line breaks reach us as "\n" because saxes normalises them (XML 1.0 §2.11).
  const text = (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input).trimStart();
  if (!text.startsWith('<')) throw invalid('the file is not XML (it does not start with "<")', 'not_xml');
  // REFI-QDA is XML 1.0; a declared version="1.1" must not widen what characters are allowed.
  // Namespaces are not resolved: names are matched by local name and the root's own declaration is
  // checked by the caller, so a file using a prefix it never declared is still read, as before.
  const parser = new SaxesParser({ xmlns: false, defaultXMLVersion: '1.0', forceXMLVersion: true } as const);
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;

  // saxes would go on after an error; we stop at the first one.
  parser.on('error', (error) => {
    throw refusalFor(error.message, text, parser.position);
  });
  // Fired once the whole DOCTYPE has been read, before any element: nothing in it is used.
  parser.on('doctype', () => {
    throw doctypeRefusal();
  });
  parser.on('opentag', (tag) => {
    const qualified = tag.name;
    const colon = qualified.indexOf(':');
    const attributes: Record<string, string> = {};
    for (const name in tag.attributes) attributes[name.startsWith('xmlns') ? name : localName(name)] = tag.attributes[name];
    const element: XmlElement = { name: localName(qualified), prefix: colon === -1 ? '' : qualified.slice(0, colon), attributes, children: [], text: '' };
    if (open.length === 0) root = element;
    else open[open.length - 1].children.push(element);
    // Self-closing elements are opened (and closed right after), so they count too.
    open.push(element);
    if (open.length > maxDepth) throw invalid(`the XML nests elements deeper than ${maxDepth} levels`, 'xml_too_deep');
  });
  parser.on('closetag', () => {
    open.pop();
  });
  // Whitespace outside the root element is the only text saxes passes on there; it belongs to nothing.
  const appendText = (data: string) => {
    if (open.length > 0) open[open.length - 1].text += data;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);

  parser.write(text).close();
  // saxes reports a missing root as an error; this only keeps the type checker sure.
  if (!root) throw invalid('the file is not XML (no root element)', 'not_xml');
  return root;
}

/** The children of `element` called `name`. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : [];
}

export function firstChild(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((child) => child.name === name);
}

/** The namespace the element's own name is in, when the element itself declares it (as roots do). */
export function elementNamespace(element: XmlElement): string | undefined {
  return element.attributes[element.prefix ? `xmlns:${element.prefix}` : 'xmlns'];
}

// Characters XML 1.0 cannot carry at all, even as references; they become U+FFFD (same length).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding the control characters XML forbids is the point.
const notXmlChar = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// Most values (GUIDs, numbers, dates, plain names) need no escaping; one test skips the replacements.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML forbids must be found.
const needsEscaping = /[&<>"\r\n\t\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

export function escapeText(value: string): string {
  if (!needsEscaping.test(value)) return value;
  return value.replace(notXmlChar, '\ufffd').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttribute(value: string): string {
  if (!needsEscaping.test(value)) return value;
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/** ` name="value"` for each defined attribute, in the given order. */
export function attributes(pairs: [string, string | undefined][]): string {
  let out = '';
  for (const [name, value] of pairs) if (value !== undefined) out += ` ${name}="${escapeAttribute(value)}"`;
  return out;
}
