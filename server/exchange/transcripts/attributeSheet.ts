/**
 * Participant-attribute sheets: a CSV whose header is `document title, attribute, …` and whose
 * rows give each transcript's attributes (REFI-QDA Variables), e.g. `P3 interview, GP, North`.
 * Spreadsheets export these, so the sheet may carry a byte order mark, use `;` or tab as the
 * separator (locales where the comma is the decimal mark), or be UTF-16 (Excel's "Unicode text").
 */
import { CsvError, parse } from 'csv-parse/sync';
import { defaultLimits, type Limits } from '../../config';
import { invalid, tooLarge } from '../../errors';
import { decodeTextFile } from './decodeText';
import { acceptedTranscriptExtensions } from './transcriptFile';

export interface AttributeRow {
  title: string;
  /** Empty cells are left out: the participant has no value for that attribute. */
  attributes: Record<string, string>;
  /** The sheet row (the header is row 1), for messages. */
  row: number;
}

export interface AttributeSheet {
  /** The first header cell, whatever the sheet calls it ("document title", "Transcript", …). */
  titleColumn: string;
  attributeNames: string[];
  rows: AttributeRow[];
}

export type AttributeSheetLimits = Pick<Limits, 'attributeSheetMaxBytes' | 'attributeSheetRowsMax' | 'nameMaxChars'>;

const invalidSheet = (message: string) => invalid(message, 'invalid_attribute_sheet');

/** The separator of the header line: the one of `,` `;` tab it uses most (a comma when none). */
function detectDelimiter(text: string): string {
  const headerLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : text.length);
  const counts = [',', ';', '\t'].map((delimiter) => ({ delimiter, count: headerLine.split(delimiter).length - 1 }));
  counts.sort((a, b) => b.count - a.count);
  return counts[0].count > 0 ? counts[0].delimiter : ',';
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Titles compare without case, extra spaces, Unicode composition or a transcript file extension. */
export function titleKey(title: string): string {
  const key = collapse(title.normalize('NFC')).toLowerCase();
  const extension = acceptedTranscriptExtensions.find((candidate) => key.endsWith(candidate));
  return extension ? key.slice(0, -extension.length).trimEnd() : key;
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

export function readAttributeSheet(bytes: Uint8Array, limits: AttributeSheetLimits = defaultLimits): AttributeSheet {
  if (bytes.length > limits.attributeSheetMaxBytes)
    throw tooLarge(`the attribute sheet is ${bytes.length} bytes; at most ${limits.attributeSheetMaxBytes}`, 'file_too_large');
  const { text } = decodeTextFile(bytes);
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      delimiter: detectDelimiter(text),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    if (error instanceof CsvError) throw invalidSheet(`the attribute sheet is not valid CSV: ${error.message}`);
    throw error;
  }
  // Spreadsheets export an empty row as a line of separators.
  records = records.filter(({ record }) => record.some((cell) => cell.length > 0));
  if (records.length === 0) throw invalid('the attribute sheet is empty', 'empty_attribute_sheet');
  const [header, ...body] = records;
  if (body.length > limits.attributeSheetRowsMax)
    throw tooLarge(`the attribute sheet has ${body.length} rows; at most ${limits.attributeSheetRowsMax}`, 'too_many_rows');
  const names = header.record.map(collapse);
  if (names.length < 2)
    throw invalidSheet('row 1: the header has no attribute columns; expected a header such as "document title, role, site"');
  const seenNames = new Map<string, number>();
  names.forEach((name, index) => {
    const column = index + 1;
    if (name.length === 0) throw invalidSheet(`row ${header.info.lines}, column ${column}: the header cell is empty`);
    if (name.length > limits.nameMaxChars)
      throw invalidSheet(`row ${header.info.lines}, column ${column}: a column name has at most ${limits.nameMaxChars} characters`);
    const earlier = seenNames.get(name.toLowerCase());
    if (earlier !== undefined) throw invalidSheet(`row ${header.info.lines}, column ${column}: "${name}" is also column ${earlier}`);
    seenNames.set(name.toLowerCase(), column);
  });
  const attributeNames = names.slice(1);
  const rowsByTitle = new Map<string, AttributeRow>();
  const rows = body.map(({ record, info }): AttributeRow => {
    const row = info.lines;
    if (record.length > names.length)
      throw invalidSheet(`row ${row}, column ${names.length + 1}: a cell beyond the header's ${names.length} columns`);
    if (record.length < names.length)
      throw invalidSheet(`row ${row}, column ${record.length + 1} ("${names[record.length]}"): missing; the header has ${names.length} columns`);
    const title = collapse(record[0]);
    if (title.length === 0) throw invalidSheet(`row ${row}, column 1 ("${names[0]}"): the document title is empty`);
    const duplicate = rowsByTitle.get(titleKey(title));
    if (duplicate) throw invalidSheet(`row ${row}, column 1 ("${names[0]}"): "${title}" is also on row ${duplicate.row}`);
    const attributes: Record<string, string> = {};
    attributeNames.forEach((name, index) => {
      const value = collapse(record[index + 1]);
      if (value.length > limits.nameMaxChars)
        throw invalidSheet(`row ${row}, column ${index + 2} ("${name}"): a value has at most ${limits.nameMaxChars} characters`);
      if (value.length > 0) attributes[name] = value;
    });
    const parsed = { title, attributes, row };
    rowsByTitle.set(titleKey(title), parsed);
    return parsed;
  });
  return { titleColumn: names[0], attributeNames, rows };
}

export interface AttributeMatch {
  /** Document titles that found their row, with that row's attributes. */
  matched: { title: string; attributes: Record<string, string>; row: number }[];
  /** Document titles no row names. */
  unmatchedTitles: string[];
  /** Sheet rows that name no document (a typo, or a transcript not imported yet). */
  unmatchedRows: { title: string; row: number }[];
}

/** Pairs document titles with sheet rows by {@link titleKey}. */
export function matchAttributes(sheet: AttributeSheet, titles: string[]): AttributeMatch {
  const rowsByKey = new Map(sheet.rows.map((row) => [titleKey(row.title), row]));
  const usedRows = new Set<AttributeRow>();
  const matched: AttributeMatch['matched'] = [];
  const unmatchedTitles: string[] = [];
  for (const title of titles) {
    const row = rowsByKey.get(titleKey(title));
    if (row) {
      usedRows.add(row);
      matched.push({ title, attributes: { ...row.attributes }, row: row.row });
    } else unmatchedTitles.push(title);
  }
  const unmatchedRows = sheet.rows.filter((row) => !usedRows.has(row)).map(({ title, row }) => ({ title, row }));
  return { matched, unmatchedTitles, unmatchedRows };
}
