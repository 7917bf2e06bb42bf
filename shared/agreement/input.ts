/**
 * Parsing of agreement input files (pure: text in, typed data or a typed error out).
 * - reliability-data JSON `{"level": "...", "data": [[...], ...]}` (rows units, columns coders, null missing);
 * - unitized JSON `{"continuum": {"begin", "end"}, "data": [{"coder", "start", "end", "code"}, ...]}`;
 * - CSV, either a wide matrix with a header of coder names or long `unit,coder,value` rows.
 */
import type { EncodedMatrix } from './coded/encode';
import { type CodedValue, MEASUREMENT_LEVELS, type MeasurementLevel } from './coded/types';
import { scanReliabilityJson } from './reliabilityScanner';
import type { UnitizedInput, UnitizedSegment } from './unitized/index';

export interface InputLocation {
  file?: string;
  /** 1-based: the data row for JSON (`data[row - 1]`), the line for CSV. */
  row?: number;
  /** 1-based column number (CSV) or coder position (JSON). */
  column?: number;
  /** The JSON key or CSV header of the column, when there is one. */
  field?: string;
}

/** Bad input, with a message that names the file, row and column of the problem. */
export class AgreementInputError extends Error {
  readonly location: InputLocation;
  readonly problem: string;

  constructor(problem: string, location: InputLocation = {}) {
    super(`${describeLocation(location)}${problem}`);
    this.name = 'AgreementInputError';
    this.problem = problem;
    this.location = location;
  }
}

function describeLocation({ file, row, column, field }: InputLocation): string {
  const parts: string[] = [];
  if (row !== undefined) parts.push(`row ${row}`);
  if (column !== undefined) parts.push(field !== undefined ? `column ${column} ("${field}")` : `column ${column}`);
  else if (field !== undefined) parts.push(`field "${field}"`);
  const where = parts.join(', ');
  if (file !== undefined) return where ? `${file}: ${where}: ` : `${file}: `;
  return where ? `${where}: ` : '';
}

export interface CodedInput {
  kind: 'coded';
  level: MeasurementLevel;
  /** Units × coders; null = missing. */
  data: CodedValue[][];
  coderNames: string[];
  /** Unit identifiers when the file names its units (CSV), otherwise absent. */
  unitNames?: string[];
}

export interface UnitizedFileInput {
  kind: 'unitized';
  input: UnitizedInput;
}

export type AgreementInput = CodedInput | UnitizedFileInput;

/** Reliability data integer-coded straight from a file's bytes (scanAgreementFile): no matrix of values. */
export interface EncodedCodedInput {
  kind: 'encoded';
  level: MeasurementLevel;
  encoded: EncodedMatrix;
  coderNames: string[];
}

export interface ParseOptions {
  /** Shown in error messages. */
  fileName?: string;
  /** Overrides the file's own level (and is the level of CSV data). */
  level?: MeasurementLevel;
  /** Wide CSV: the column that identifies units instead of holding a coder (default: a first column named "unit"). */
  unitColumn?: string;
}

export function isMeasurementLevel(value: unknown): value is MeasurementLevel {
  return typeof value === 'string' && (MEASUREMENT_LEVELS as readonly string[]).includes(value);
}

function unknownLevelProblem(value: unknown): string {
  return `unknown level ${JSON.stringify(value)}; expected one of ${MEASUREMENT_LEVELS.join(', ')}`;
}

/** JSON when the text starts with `{` (or the file name ends in .json), CSV otherwise. */
export function parseAgreementInput(text: string, options: ParseOptions = {}): AgreementInput {
  const looksLikeJson = /\.json$/i.test(options.fileName ?? '') || text.trimStart().startsWith('{');
  return looksLikeJson ? parseAgreementJson(text, options) : parseAgreementCsv(text, options);
}

/**
 * The fast path for a data file: reliability-data JSON of the usual shape, integer-coded in one pass
 * over the bytes, exactly as parseAgreementInput + encodeMatrix would code it. Null for every other
 * file and for every file with a problem: parseAgreementInput then reads it and names the problem.
 */
export function scanAgreementFile(bytes: Uint8Array, options: ParseOptions = {}): EncodedCodedInput | null {
  const scanned = scanReliabilityJson(bytes);
  if (!scanned) return null;
  const { encoded } = scanned;
  const level = options.level ?? scanned.level ?? 'nominal';
  // What validateCodedValues refuses, left to it for the message with row and column.
  if (encoded.categories.length === 0) return null;
  if (level !== 'nominal' && encoded.numericValues === null) return null;
  if (level === 'ratio' && (encoded.numericValues as Float64Array)[0] < 0) return null;
  const columnCount = encoded.keptCoderColumns.length + encoded.emptyCoderColumns.length;
  return { kind: 'encoded', level, encoded, coderNames: Array.from({ length: columnCount }, (_, i) => `coder ${i + 1}`) };
}

export function parseAgreementJson(text: string, options: ParseOptions = {}): AgreementInput {
  const file = options.fileName;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AgreementInputError(`malformed JSON: ${(error as Error).message}`, { file });
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new AgreementInputError('expected a JSON object with a "data" key', { file });
  }
  const record = document as Record<string, unknown>;
  if ('continuum' in record) return { kind: 'unitized', input: validateUnitized(record, file) };
  return parseReliabilityRecord(record, options);
}

function parseReliabilityRecord(record: Record<string, unknown>, options: ParseOptions): CodedInput {
  const file = options.fileName;
  if (record.level !== undefined && !isMeasurementLevel(record.level)) {
    throw new AgreementInputError(unknownLevelProblem(record.level), { file, field: 'level' });
  }
  const level = options.level ?? (record.level as MeasurementLevel | undefined) ?? 'nominal';
  const rows = record.data;
  if (!Array.isArray(rows)) throw new AgreementInputError('"data" must be an array of rows (one per unit)', { file, field: 'data' });
  if (rows.length === 0) throw new AgreementInputError('"data" is empty: there are no units', { file, field: 'data' });
  const width = Array.isArray(rows[0]) ? rows[0].length : 0;
  // Checked in place: JSON.parse made these arrays for this call alone, and copying 100,000 rows
  // with a location object per cell cost more than computing the statistics.
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
    const row = rows[rowIndex];
    if (!Array.isArray(row)) {
      throw new AgreementInputError('expected an array of values (one per coder)', { file, row: rowIndex + 1 });
    }
    if (row.length !== width) {
      throw new AgreementInputError(`ragged data: this row has ${row.length} value(s) but row 1 has ${width}`, {
        file,
        row: rowIndex + 1,
      });
    }
    for (let columnIndex = 0; columnIndex < width; columnIndex++) {
      const cell: unknown = row[columnIndex];
      if (cell === null || (typeof cell === 'number' && Number.isFinite(cell)) || (typeof cell === 'string' && cell.trim() !== '')) continue;
      throw new AgreementInputError(`value ${JSON.stringify(cell)} is not a number, a label or null (use null for a missing value)`, {
        file,
        row: rowIndex + 1,
        column: columnIndex + 1,
      });
    }
  }
  const data = rows as CodedValue[][];
  if (width === 0) throw new AgreementInputError('rows have no values: there are no coders', { file, row: 1 });
  validateCodedValues(data, level, (row, column) => ({ file, row: row + 1, column: column + 1 }));
  return { kind: 'coded', level, data, coderNames: Array.from({ length: width }, (_, i) => `coder ${i + 1}`) };
}

/** Checks what the level demands of the values; `locate` maps 0-based data indices to a file location. */
function validateCodedValues(
  data: CodedValue[][],
  level: MeasurementLevel,
  locate: (row: number, column: number) => InputLocation,
): void {
  let anyValue = false;
  for (let row = 0; row < data.length; row++) {
    for (let column = 0; column < data[row].length; column++) {
      const value = data[row][column];
      if (value === null) continue;
      anyValue = true;
      if (level !== 'nominal' && typeof value !== 'number') {
        throw new AgreementInputError(`non-numeric value ${JSON.stringify(value)} in ${level} data`, locate(row, column));
      }
      if (level === 'ratio' && (value as number) < 0) {
        throw new AgreementInputError(`negative value ${value} in ratio data (ratio values must be ≥ 0)`, locate(row, column));
      }
    }
  }
  if (!anyValue) throw new AgreementInputError('the data contain no value at all (every cell is missing)', { file: locate(0, 0).file });
}

function validateUnitized(record: Record<string, unknown>, file: string | undefined): UnitizedInput {
  const continuum = record.continuum as Record<string, unknown> | null;
  if (typeof continuum !== 'object' || continuum === null) {
    throw new AgreementInputError('"continuum" must be an object {"begin", "end"}', { file, field: 'continuum' });
  }
  const { begin, end } = continuum;
  if (typeof begin !== 'number' || !Number.isFinite(begin)) {
    throw new AgreementInputError('continuum "begin" must be a number', { file, field: 'continuum.begin' });
  }
  if (typeof end !== 'number' || !Number.isFinite(end)) {
    throw new AgreementInputError('continuum "end" must be a number', { file, field: 'continuum.end' });
  }
  if (!(end > begin)) throw new AgreementInputError(`continuum end (${end}) must be greater than begin (${begin})`, { file, field: 'continuum' });
  const segments = record.data;
  if (!Array.isArray(segments)) throw new AgreementInputError('"data" must be an array of segments', { file, field: 'data' });
  if (segments.length === 0) throw new AgreementInputError('"data" is empty: there are no segments', { file, field: 'data' });
  const data: UnitizedSegment[] = segments.map((segment, index) => {
    const row = index + 1;
    if (typeof segment !== 'object' || segment === null || Array.isArray(segment)) {
      throw new AgreementInputError('expected a segment object {"coder", "start", "end", "code"}', { file, row });
    }
    const fields = segment as Record<string, unknown>;
    for (const key of ['coder', 'code'] as const) {
      if (typeof fields[key] !== 'string' || (fields[key] as string).trim() === '') {
        throw new AgreementInputError(`"${key}" must be a non-empty string, got ${JSON.stringify(fields[key])}`, { file, row, field: key });
      }
    }
    for (const key of ['start', 'end'] as const) {
      if (typeof fields[key] !== 'number' || !Number.isFinite(fields[key])) {
        throw new AgreementInputError(`"${key}" must be a number, got ${JSON.stringify(fields[key])}`, { file, row, field: key });
      }
    }
    const start = fields.start as number;
    const stop = fields.end as number;
    if (!(stop > start)) throw new AgreementInputError(`segment end (${stop}) must be greater than start (${start})`, { file, row, field: 'end' });
    if (start < begin || stop > end) {
      throw new AgreementInputError(`segment [${start}, ${stop}) lies outside the continuum [${begin}, ${end})`, { file, row, field: 'start' });
    }
    return { coder: fields.coder as string, start, end: stop, code: fields.code as string };
  });
  return { continuum: { begin, end }, data };
}

const MISSING_CSV_CELLS = new Set(['', 'na', 'null']);

interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function splitCsv(text: string, file?: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedFieldClosed = false;
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0].trim() === '' && !quotedFieldClosed)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    quotedFieldClosed = false;
  };
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (inQuotes) {
      if (char === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        inQuotes = false;
        quotedFieldClosed = true;
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      if (field.trim() !== '' || quotedFieldClosed) {
        throw new AgreementInputError('malformed CSV: a quote inside an unquoted field', { file, row: line, column: fields.length + 1 });
      }
      field = '';
      inQuotes = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      quotedFieldClosed = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && body[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (quotedFieldClosed && char.trim() !== '') {
        throw new AgreementInputError('malformed CSV: text after a closing quote', { file, row: line, column: fields.length + 1 });
      }
      field += char;
    }
  }
  if (inQuotes) throw new AgreementInputError('malformed CSV: a quoted field is never closed', { file, row: recordLine });
  if (field !== '' || fields.length > 0 || quotedFieldClosed) endRecord();
  return records;
}

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A wide matrix (header = coder names, optional unit column) or long `unit,coder,value` rows, told apart by the header. */
export function parseAgreementCsv(text: string, options: ParseOptions = {}): CodedInput {
  const file = options.fileName;
  const level = options.level ?? 'nominal';
  const records = splitCsv(text, file);
  if (records.length === 0) throw new AgreementInputError('the CSV file is empty', { file });
  const header = records[0].fields.map((name) => name.trim());
  if (records.length === 1) throw new AgreementInputError('the CSV file has a header but no data rows', { file, row: records[0].line });
  for (const record of records.slice(1)) {
    if (record.fields.length !== header.length) {
      throw new AgreementInputError(
        `ragged CSV: this row has ${record.fields.length} field(s) but the header has ${header.length}`,
        { file, row: record.line },
      );
    }
  }

  const lowered = header.map((name) => name.toLowerCase());
  const isLong = lowered.length === 3 && lowered[0] === 'unit' && lowered[1] === 'coder' && (lowered[2] === 'value' || lowered[2] === 'code');
  const { data, coderNames, unitNames, cellLocation } = isLong ? readLongCsv(records, file) : readWideCsv(records, header, options);

  // CSV cells are text. Nominal data are numbers only when every value is numeric (otherwise "1" and
  // "yes" are both labels); ordered levels need numbers, so each numeric cell becomes one and any
  // other cell is left as text for validation to point at.
  const allNumeric = data.every((row) => row.every((cell) => cell === null || NUMBER_PATTERN.test(cell as string)));
  const asNumber = (cell: string) => (allNumeric || (level !== 'nominal' && NUMBER_PATTERN.test(cell)) ? Number(cell) : cell);
  const typed: CodedValue[][] = data.map((row) => row.map((cell) => (cell === null ? null : asNumber(cell as string))));
  validateCodedValues(typed, level, cellLocation);
  return { kind: 'coded', level, data: typed, coderNames, unitNames };
}

interface CsvMatrix {
  data: CodedValue[][];
  coderNames: string[];
  unitNames?: string[];
  cellLocation: (row: number, column: number) => InputLocation;
}

function readWideCsv(records: CsvRecord[], header: string[], options: ParseOptions): CsvMatrix {
  const file = options.fileName;
  let unitColumn = -1;
  if (options.unitColumn !== undefined) {
    unitColumn = header.indexOf(options.unitColumn);
    if (unitColumn < 0) {
      throw new AgreementInputError(`no column named "${options.unitColumn}" for the unit identifiers (header: ${header.join(', ')})`, {
        file,
        row: records[0].line,
      });
    }
  } else if (header[0]?.toLowerCase() === 'unit') {
    unitColumn = 0;
  }
  const coderColumns = header.map((_, column) => column).filter((column) => column !== unitColumn);
  if (coderColumns.length === 0) throw new AgreementInputError('the header names no coder column', { file, row: records[0].line });
  const seen = new Map<string, number>();
  for (const column of coderColumns) {
    const name = header[column];
    if (name === '') throw new AgreementInputError('empty coder name in the header', { file, row: records[0].line, column: column + 1 });
    if (seen.has(name)) {
      throw new AgreementInputError(`coder "${name}" appears twice in the header (also column ${(seen.get(name) as number) + 1})`, {
        file,
        row: records[0].line,
        column: column + 1,
      });
    }
    seen.set(name, column);
  }
  const body = records.slice(1);
  const data = body.map((record) =>
    coderColumns.map((column) => {
      const cell = record.fields[column].trim();
      return MISSING_CSV_CELLS.has(cell.toLowerCase()) ? null : cell;
    }),
  );
  return {
    data,
    coderNames: coderColumns.map((column) => header[column]),
    unitNames: unitColumn >= 0 ? body.map((record) => record.fields[unitColumn].trim()) : undefined,
    cellLocation: (row, column) => ({
      file,
      row: body[row]?.line ?? records[0].line,
      column: coderColumns[column] + 1,
      field: header[coderColumns[column]],
    }),
  };
}

function readLongCsv(records: CsvRecord[], file: string | undefined): CsvMatrix {
  const unitIndex = new Map<string, number>();
  const coderIndex = new Map<string, number>();
  const cells: { unit: number; coder: number; value: string; line: number }[] = [];
  for (const record of records.slice(1)) {
    const [unitName, coderName, rawValue] = record.fields.map((field) => field.trim());
    if (unitName === '') throw new AgreementInputError('empty unit identifier', { file, row: record.line, column: 1, field: 'unit' });
    if (coderName === '') throw new AgreementInputError('empty coder name', { file, row: record.line, column: 2, field: 'coder' });
    if (!unitIndex.has(unitName)) unitIndex.set(unitName, unitIndex.size);
    if (!coderIndex.has(coderName)) coderIndex.set(coderName, coderIndex.size);
    if (MISSING_CSV_CELLS.has(rawValue.toLowerCase())) continue;
    cells.push({ unit: unitIndex.get(unitName) as number, coder: coderIndex.get(coderName) as number, value: rawValue, line: record.line });
  }
  const data: CodedValue[][] = Array.from({ length: unitIndex.size }, () => new Array<CodedValue>(coderIndex.size).fill(null));
  const lineOf: number[][] = Array.from({ length: unitIndex.size }, () => new Array<number>(coderIndex.size).fill(0));
  const unitNames = [...unitIndex.keys()];
  const coderNames = [...coderIndex.keys()];
  for (const cell of cells) {
    if (data[cell.unit][cell.coder] !== null) {
      throw new AgreementInputError(
        `coder "${coderNames[cell.coder]}" already gave unit "${unitNames[cell.unit]}" a value on line ${lineOf[cell.unit][cell.coder]}`,
        { file, row: cell.line, column: 3, field: 'value' },
      );
    }
    data[cell.unit][cell.coder] = cell.value;
    lineOf[cell.unit][cell.coder] = cell.line;
  }
  return {
    data,
    coderNames,
    unitNames,
    cellLocation: (row, column) => ({ file, row: lineOf[row]?.[column] || records[1].line, column: 3, field: 'value' }),
  };
}
