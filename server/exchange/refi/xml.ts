/**
 * A small XML reader and the escaping the REFI-QDA writers need.
 *
 * We parse REFI-QDA files with our own reader rather than a general-purpose one because imports
 * are hostile input: a DOCTYPE (and with it entity declarations, external entities and "billion
 * laughs") is refused in the tokenizer itself, nesting is bounded while reading (iteratively, so a
 * deep file cannot overflow the stack), and element names lose their namespace prefix so the
 * several namespace spellings real tools write (notes §7.5) read alike.
 */
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

const predefinedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function malformed(message: string): DomainError {
  return invalid(`the XML is malformed: ${message}`, 'xml_malformed');
}

function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw malformed(`"&" must start an entity reference ending in ";" (near "${whole.slice(0, 20)}")`);
    if (name.startsWith('#')) {
      const codePoint = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      if (!Number.isInteger(codePoint) || codePoint < 1 || codePoint > 0x10ffff || !/^#(x[0-9a-f]+|[0-9]+)$/i.test(name)) {
        throw malformed(`invalid character reference "&${name};"`);
      }
      return String.fromCodePoint(codePoint);
    }
    const value = predefinedEntities[name];
    // Only the five predefined entities exist without a DTD, and we never accept a DTD.
    if (value === undefined) throw invalid(`the XML uses the undeclared entity "&${name};"`, 'xml_entity');
    return value;
  });
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

/**
 * Parses a whole document into its root element. Refuses a DOCTYPE or any other `<!` declaration,
 * nesting deeper than `maxDepth`, and anything that is not well-formed enough to read safely.
 */
export function parseXml(input: string, maxDepth: number): XmlElement {
  // XML 1.0 §2.11: literal line breaks reach the application as "\n" (a `&#13;` reference survives).
  const text = (input.charCodeAt(0) === 0xfeff ? input.slice(1) : input).replace(/\r\n?/g, '\n');
  if (!text.trimStart().startsWith('<')) throw invalid('the file is not XML (it does not start with "<")', 'not_xml');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let position = 0;
  const length = text.length;

  while (position < length) {
    const open = text.indexOf('<', position);
    const textEnd = open === -1 ? length : open;
    if (textEnd > position) {
      const chunk = text.slice(position, textEnd);
      if (stack.length > 0) stack[stack.length - 1].text += decodeEntities(chunk);
      else if (chunk.trim() !== '') throw malformed('text outside the root element');
    }
    if (open === -1) break;
    const next = text.charCodeAt(open + 1);
    if (next === 0x3f /* ? */) {
      const close = text.indexOf('?>', open + 2);
      if (close === -1) throw malformed('unterminated processing instruction');
      position = close + 2;
    } else if (text.startsWith('<!--', open)) {
      const close = text.indexOf('-->', open + 4);
      if (close === -1) throw malformed('unterminated comment');
      position = close + 3;
    } else if (text.startsWith('<![CDATA[', open)) {
      const close = text.indexOf(']]>', open + 9);
      if (close === -1) throw malformed('unterminated CDATA section');
      if (stack.length === 0) throw malformed('CDATA outside the root element');
      stack[stack.length - 1].text += text.slice(open + 9, close);
      position = close + 3;
    } else if (next === 0x21 /* ! */) {
      throw invalid(
        'the XML contains a DOCTYPE or other declaration; REFI-QDA files need none, and they can hide entity expansion or external references',
        'xml_doctype',
      );
    } else if (next === 0x2f /* / */) {
      const close = text.indexOf('>', open + 2);
      if (close === -1) throw malformed('unterminated end tag');
      const name = localName(text.slice(open + 2, close).trim());
      const element = stack.pop();
      if (!element || element.name !== name) throw malformed(`end tag </${name}> does not close <${element?.name ?? 'nothing'}>`);
      position = close + 1;
    } else {
      const { element, end, selfClosing } = readStartTag(text, open);
      if (stack.length === 0) {
        if (root) throw malformed('more than one root element');
        root = element;
      } else {
        stack[stack.length - 1].children.push(element);
      }
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > maxDepth) throw invalid(`the XML nests elements deeper than ${maxDepth} levels`, 'xml_too_deep');
      } else if (stack.length + 1 > maxDepth) {
        throw invalid(`the XML nests elements deeper than ${maxDepth} levels`, 'xml_too_deep');
      }
      position = end;
    }
  }
  if (stack.length > 0) throw malformed(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw invalid('the file is not XML (no root element)', 'not_xml');
  return root;
}

const nameChar = /[^\s/>=]/;

function readStartTag(text: string, open: number): { element: XmlElement; end: number; selfClosing: boolean } {
  let position = open + 1;
  while (position < text.length && nameChar.test(text[position])) position++;
  const qualified = text.slice(open + 1, position);
  if (qualified === '') throw malformed('a "<" that starts no element');
  const colon = qualified.indexOf(':');
  const element: XmlElement = { name: localName(qualified), prefix: colon === -1 ? '' : qualified.slice(0, colon), attributes: {}, children: [], text: '' };
  for (;;) {
    while (position < text.length && /\s/.test(text[position])) position++;
    if (position >= text.length) throw malformed(`unterminated start tag <${qualified}>`);
    if (text[position] === '>') return { element, end: position + 1, selfClosing: false };
    if (text.startsWith('/>', position)) return { element, end: position + 2, selfClosing: true };
    const nameStart = position;
    while (position < text.length && nameChar.test(text[position])) position++;
    const attributeName = text.slice(nameStart, position);
    while (position < text.length && /\s/.test(text[position])) position++;
    if (attributeName === '' || text[position] !== '=') throw malformed(`attribute without a value in <${qualified}>`);
    position++;
    while (position < text.length && /\s/.test(text[position])) position++;
    const quote = text[position];
    if (quote !== '"' && quote !== "'") throw malformed(`attribute ${attributeName} of <${qualified}> is not quoted`);
    const valueEnd = text.indexOf(quote, position + 1);
    if (valueEnd === -1) throw malformed(`unterminated attribute ${attributeName} of <${qualified}>`);
    const raw = text.slice(position + 1, valueEnd);
    if (raw.includes('<')) throw malformed(`"<" inside attribute ${attributeName} of <${qualified}>`);
    // Attribute-value normalisation (XML 1.0 §3.3.3): literal whitespace becomes a space.
    const name = attributeName.startsWith('xmlns') ? attributeName : localName(attributeName);
    element.attributes[name] = decodeEntities(raw.replace(/[\t\n]/g, ' '));
    position = valueEnd + 1;
  }
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
