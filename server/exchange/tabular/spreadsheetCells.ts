/**
 * CSV written for R, SPSS and Excel. Excel and LibreOffice evaluate a cell that starts with `=`, `+`,
 * `-` or `@` (and, after a tab or carriage return, whatever follows) as a formula, so a transcript line
 * such as `=HYPERLINK(...)` would run on the analyst's machine. Text cells that start with one of these
 * get a leading `'`, which spreadsheets show as plain text; numeric columns are written as numbers.
 */
import { stringify } from 'csv-stringify/sync';

const formulaTriggers = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutraliseFormula(cell: string): string {
  return cell.length > 0 && formulaTriggers.has(cell[0]) ? `'${cell}` : cell;
}

export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, which Excel needs to read the file as UTF-8. */
  bom?: boolean;
}

/** A cell: text is neutralised, numbers are written as they are. */
export type CsvCell = string | number;

/**
 * RFC 4180: CRLF between records, fields with a comma, quote or any line break quoted and quotes
 * doubled. csv-stringify only quotes a field containing the whole record delimiter, so a lone "\n" in
 * a memo would otherwise break the record for R's `read.csv`.
 */
export function writeCsv(header: string[], rows: CsvCell[][], options: CsvOptions = {}): string {
  const neutralise = (cell: CsvCell) => (typeof cell === 'number' ? cell : neutraliseFormula(cell));
  return stringify([header.map(neutralise), ...rows.map((row) => row.map(neutralise))], {
    bom: options.bom ?? false,
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
  });
}
