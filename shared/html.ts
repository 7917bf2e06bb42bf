/**
 * The pieces every standalone HTML export shares (the agreement report, the coded transcript):
 * escaping for text we write into markup ourselves, and a page shell that loads nothing, so the
 * file opens from a mail attachment or an archive years later exactly as it was exported.
 */

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element content and in double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character]);
}

export interface StandalonePage {
  /** Plain text; escaped here. */
  title: string;
  /** Inline CSS, the only style the page has (the Content-Security-Policy forbids loading any). */
  css: string;
  /** Markup, already escaped. */
  body: string;
}

/** A whole HTML document with inline CSS, no scripts, and a Content-Security-Policy that forbids both loading and scripts. */
export function standaloneHtmlPage(page: StandalonePage): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${page.css}</style>`,
    '</head>',
    '<body>',
    page.body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
