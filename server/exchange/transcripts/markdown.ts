/**
 * Markdown → plain lines: the markup (heading marks, emphasis, list bullets, quotes, links, code
 * fences, rules, front matter) goes, the words stay, so `**Interviewer:** Hello` becomes the
 * speaker line `Interviewer: Hello`. Line structure is kept, because speaker turns are found per
 * line. Every expression here is linear: no nested quantifiers over the same characters.
 */

const frontMatterFence = /^---\s*$/;
const frontMatterEnd = /^(?:---|\.\.\.)\s*$/;
const codeFence = /^\s{0,3}(?:`{3,}|~{3,})/;
const thematicBreak = /^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+\s*)$/;
const referenceDefinition = /^\s{0,3}\[[^\]\n]+\]:\s+\S/;
const heading = /^\s{0,3}#{1,6}(?:\s+|$)/;
const closingHashes = /\s+#+\s*$/;
const blockQuote = /^\s{0,3}(?:>\s?)+/;
const listMarker = /^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?/;
const tableDelimiterRow = /^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const lineBreakTag = /<br\s*\/?>/gi;
// Bracket classes exclude their own opening character, so a long run of "[" or "<" scans once.
const imageOrLink = /!?\[([^[\]\n]*)\](?:\([^()\n]*\)|\[[^[\]\n]*\])/g;
const autolink = /<((?:https?|mailto):[^<>\s]+)>/g;
// One pass: a backslash escape keeps its character; emphasis, strike-through and code marks go;
// underscores only count as marks outside words (snake_case and names like Anne_Marie stay).
const inlineMarks = /\\([\\`*_{}[\]()#+\-.!~>|])|\*+|~~+|`+|(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu;

function stripInline(line: string): string {
  return line
    .replace(lineBreakTag, ' ')
    .replace(imageOrLink, '$1')
    .replace(autolink, '$1')
    .replace(inlineMarks, (_mark, escaped: string | undefined) => escaped ?? '');
}

/** With indexOf rather than a lazy expression, which would rescan the rest of the file from every unclosed `<!--`. */
function removeHtmlComments(markdown: string): string {
  let out = '';
  let cursor = 0;
  for (;;) {
    const open = markdown.indexOf('<!--', cursor);
    const close = open < 0 ? -1 : markdown.indexOf('-->', open + 4);
    if (close < 0) return out + markdown.slice(cursor);
    // Keep the comment's line breaks so line numbers in warnings still match the file.
    out += markdown.slice(cursor, open) + markdown.slice(open, close).replace(/[^\n]/g, '');
    cursor = close + 3;
  }
}

function stripTableRow(line: string): string {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').replace(/\|/g, ' ');
}

/** The words of a Markdown document, one output line per input line (markup-only lines become blank). */
export function markdownToPlainText(markdown: string): string {
  const lines = removeHtmlComments(markdown).split('\n');
  let start = 0;
  if (frontMatterFence.test(lines[0] ?? '')) {
    const end = lines.findIndex((line, index) => index > 0 && frontMatterEnd.test(line));
    if (end > 0) start = end + 1;
  }
  const out: string[] = lines.slice(0, start).map(() => '');
  for (const line of lines.slice(start)) {
    if (codeFence.test(line) || thematicBreak.test(line) || referenceDefinition.test(line) || tableDelimiterRow.test(line)) {
      out.push('');
      continue;
    }
    let text = line;
    if (heading.test(text)) text = text.replace(heading, '').replace(closingHashes, '');
    text = text.replace(blockQuote, '').replace(listMarker, '');
    if (text.trimStart().startsWith('|')) text = stripTableRow(text);
    out.push(stripInline(text));
  }
  return out.join('\n');
}
