/** `cocode agreement <file>`: intercoder agreement for a reliability-data or unitized file. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { AgreementDiagnostic } from '../../shared/agreement/diagnostics';
import {
  type AlphaIntervalMethod,
  type BootstrapInterval,
  computeCodedAgreement,
  computeEncodedAgreement,
  type MeasurementLevel,
} from '../../shared/agreement/coded';
import {
  AgreementInputError,
  type AgreementInput,
  type EncodedCodedInput,
  isMeasurementLevel,
  type ParseOptions,
  parseAgreementInput,
  scanAgreementFile,
} from '../../shared/agreement/input';
import { presenceMatrices, presenceRows } from '../../shared/agreement/segments/matrices';
import type { TextRange } from '../../shared/agreement/segments/units';
import { computeUnitizedAgreement, type UnitizedInput, type UnitizedSegment } from '../../shared/agreement/unitized/index';
import { DomainError } from '../errors';
import { sourceText } from '../exchange/model';
import type { readQdpx } from '../exchange/refi/index';

export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_BAD_INPUT = 2;

export const agreementUsage = `Usage: cocode agreement <file> [--json] [--level L] [--bootstrap N --seed S --alpha-interval M] [--unit U] [--unit-column C]

  <file>           reliability data: JSON {"level", "data": [[...], ...]} (rows units, columns coders,
                   null missing), unitized JSON {"continuum", "data": [{"coder","start","end","code"}]},
                   or CSV (wide: header of coder names; long: unit,coder,value), or a REFI-QDA project
                   (.qdpx): each coder's selections, per source, as unitized data (consensus left out)
  --json           print {"statistics", "diagnostics", "intervals"} as JSON and nothing else
  --level L        nominal | ordinal | interval | ratio (overrides the file; CSV default nominal)
  --bootstrap N    N bootstrap resamples for confidence intervals (95 %)
  --seed S         seed of the bootstrap (default 1), for reproducible intervals
  --alpha-interval M  how alpha's interval resamples: units (default; the values of a unit stay
                   together) or hayes-krippendorff (pairable values as if independent, Hayes &
                   Krippendorff 2007: narrower, and below 95 % coverage when units have 3+ values)
  --unit U         unitized data: also split the continuum into units and report coded-unit statistics
                   per code (present/absent per unit): window:N (N characters) or document
                   (for a .qdpx, windows stay within a source and each source is one document)
  --unit-column C  wide CSV: the column holding unit identifiers (default: a first column named "unit")
`;

class UsageError extends Error {}

interface CommandOptions {
  file: string;
  json: boolean;
  level?: string;
  bootstrapDraws?: number;
  seed: number;
  alphaMethod?: AlphaIntervalMethod;
  unitColumn?: string;
  unit?: UnitChoice;
  help: boolean;
}

/** `--alpha-interval` spellings, as the REST report's `alphaInterval` parameter spells them. */
const alphaIntervalChoices: Record<string, AlphaIntervalMethod> = { units: 'units', 'hayes-krippendorff': 'hayes_krippendorff' };

/** How unitized segments become coded units for `--unit`. */
type UnitChoice = { kind: 'window'; size: number } | { kind: 'document' };

function parseUnit(text: string): UnitChoice {
  if (text === 'document') return { kind: 'document' };
  const window = /^window:(\d+)$/.exec(text);
  if (window && Number(window[1]) >= 1) return { kind: 'window', size: Number(window[1]) };
  throw new UsageError(`--unit must be window:N (N ≥ 1 characters) or document, got "${text}"`);
}

function parseCommandLine(argv: string[]): CommandOptions {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof optionSpec; allowPositionals: true }>>;
  const optionSpec = {
    json: { type: 'boolean' },
    level: { type: 'string' },
    bootstrap: { type: 'string' },
    seed: { type: 'string' },
    'alpha-interval': { type: 'string' },
    unit: { type: 'string' },
    'unit-column': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  try {
    parsed = parseArgs({ args: argv, options: optionSpec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { file: '', json: false, seed: 1, help: true };
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing the data file' : `expected one data file, got ${positionals.length}: ${positionals.join(' ')}`);
  }
  const wholeNumber = (text: string, flag: string, minimum: number) => {
    if (!/^\d+$/.test(text) || Number(text) < minimum) throw new UsageError(`${flag} needs a whole number ≥ ${minimum}, got "${text}"`);
    return Number(text);
  };
  if (values.seed !== undefined && values.bootstrap === undefined) throw new UsageError('--seed only applies together with --bootstrap N');
  const alphaInterval = values['alpha-interval'];
  if (alphaInterval !== undefined && values.bootstrap === undefined) throw new UsageError('--alpha-interval only applies together with --bootstrap N');
  if (alphaInterval !== undefined && !Object.hasOwn(alphaIntervalChoices, alphaInterval)) {
    throw new UsageError(`--alpha-interval must be units or hayes-krippendorff, got "${alphaInterval}"`);
  }
  return {
    file: positionals[0],
    json: values.json ?? false,
    level: values.level,
    bootstrapDraws: values.bootstrap === undefined ? undefined : wholeNumber(values.bootstrap, '--bootstrap', 1),
    seed: values.seed === undefined ? 1 : wholeNumber(values.seed, '--seed', 0),
    alphaMethod: alphaInterval === undefined ? undefined : alphaIntervalChoices[alphaInterval],
    unitColumn: values['unit-column'],
    unit: values.unit === undefined ? undefined : parseUnit(values.unit),
    help: false,
  };
}

/** Returns the exit code: 0 success, 2 bad usage or bad input (one line on stderr), 1 anything unexpected. */
export async function runAgreementCommand(argv: string[], io: CommandIo): Promise<number> {
  let options: CommandOptions;
  try {
    options = parseCommandLine(argv);
  } catch (error) {
    io.stderr(`cocode agreement: ${(error as Error).message}. Run cocode agreement --help.\n`);
    return EXIT_BAD_INPUT;
  }
  if (options.help) {
    io.stdout(agreementUsage);
    return EXIT_OK;
  }
  if (options.level !== undefined && !isMeasurementLevel(options.level)) {
    io.stderr(`cocode agreement: unknown level "${options.level}"; expected nominal, ordinal, interval or ratio.\n`);
    return EXIT_BAD_INPUT;
  }

  let bytes: Buffer;
  try {
    bytes = await readFile(options.file);
  } catch (error) {
    io.stderr(`cocode agreement: cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return EXIT_BAD_INPUT;
  }

  let input: AgreementInput | EncodedCodedInput;
  let project: ProjectContinuum | undefined;
  try {
    if (/\.qdpx$/i.test(options.file)) {
      // Loaded only for project files: the zip and XML readers cost more start-up than a whole
      // reliability-data run.
      const refi = await import('../exchange/refi/index');
      project = projectContinuum(refi.readQdpx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
      input = { kind: 'unitized', input: project.input };
    } else {
      const parseOptions: ParseOptions = { fileName: options.file, level: options.level as MeasurementLevel | undefined, unitColumn: options.unitColumn };
      // Reliability-data JSON of the usual shape goes straight from bytes to category codes; every
      // other file, and every file with a problem, goes through the reader that names the problem.
      input = scanAgreementFile(bytes, parseOptions) ?? parseAgreementInput(bytes.toString('utf8'), parseOptions);
    }
  } catch (error) {
    if (error instanceof AgreementInputError) {
      io.stderr(`cocode agreement: ${oneLine(error.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    if (error instanceof DomainError) {
      io.stderr(`cocode agreement: ${options.file}: ${oneLine(error.message)} (${error.code})\n`);
      return EXIT_BAD_INPUT;
    }
    throw error;
  }

  let report: { statistics: Record<string, unknown>; diagnostics: AgreementDiagnostic[]; intervals: Record<string, BootstrapInterval> };
  try {
    if (input.kind === 'unitized') {
      report = unitizedReport(input.input, options, project?.documents);
    } else {
      const codedOptions = { level: input.level, coderNames: input.coderNames, bootstrap: bootstrapOptions(options) };
      report = input.kind === 'encoded' ? computeEncodedAgreement(input.encoded, codedOptions) : computeCodedAgreement(input.data, codedOptions);
    }
    if (input.kind !== 'unitized' && options.unit) {
      io.stderr('cocode agreement: --unit applies to unitized data only; reliability data already has units.\n');
      return EXIT_BAD_INPUT;
    }
  } catch (error) {
    // The engines reject data they cannot measure (e.g. a zero-length continuum) with a RangeError.
    if (error instanceof RangeError) {
      io.stderr(`cocode agreement: ${options.file}: ${oneLine(error.message)}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`cocode agreement: unexpected failure: ${oneLine((error as Error).message)}\n`);
    return EXIT_FAILURE;
  }

  if (options.json) {
    io.stdout(`${JSON.stringify({ statistics: report.statistics, diagnostics: report.diagnostics, intervals: report.intervals }, null, 2)}\n`);
  } else {
    io.stdout(renderReport(options.file, input, report, project?.summary));
  }
  // One coder is no reliability study: the report above says why every value is undefined, and the
  // exit code tells scripts that nothing was measured. The engine's own diagnostic comes first;
  // per-code ones added for --unit are about codes, not about the file.
  const tooFewCoders = report.diagnostics.find((item) => item.kind === 'too_few_coders');
  if (tooFewCoders) {
    io.stderr(`cocode agreement: ${options.file}: ${oneLine(tooFewCoders.message)}\n`);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}

function bootstrapOptions(options: CommandOptions): { draws: number; seed: number; alphaMethod?: AlphaIntervalMethod } | undefined {
  if (options.bootstrapDraws === undefined) return undefined;
  return { draws: options.bootstrapDraws, seed: options.seed, ...(options.alphaMethod ? { alphaMethod: options.alphaMethod } : {}) };
}

/** Units over the documents of the continuum: consecutive windows of N characters, or each document. */
function continuumUnits(documents: TextRange[], unit: UnitChoice): TextRange[] {
  if (unit.kind === 'document') return documents;
  const units: TextRange[] = [];
  for (const document of documents) {
    for (let start = document.start; start < document.end; start += unit.size) units.push({ start, end: Math.min(document.end, start + unit.size) });
  }
  return units;
}

interface ProjectContinuum {
  input: UnitizedInput;
  /** Each source's range on the continuum. */
  documents: TextRange[];
  summary: string;
}

/**
 * A REFI-QDA project as one unitized continuum: its sources end to end, each coder's codings as
 * segments (consensus codings are no coder's, so they are left out). Coders and codes are named;
 * a name two of them share gets the id appended so they stay apart.
 */
function projectContinuum({ project, report }: ReturnType<typeof readQdpx>): ProjectContinuum {
  const distinctNames = (items: { id: string; name: string }[]) => {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.name, (counts.get(item.name) ?? 0) + 1);
    return new Map(items.map((item) => [item.id, (counts.get(item.name) ?? 0) > 1 ? `${item.name} (${item.id})` : item.name]));
  };
  const coderNames = distinctNames(project.users);
  const codeNames = distinctNames(project.codes);
  const documents: TextRange[] = [];
  const offsets = new Map<string, number>();
  let end = 0;
  for (const source of project.sources) {
    const length = sourceText(source).length;
    offsets.set(source.id, end);
    if (length > 0) documents.push({ start: end, end: end + length });
    end += length;
  }
  const data: UnitizedSegment[] = [];
  let consensus = 0;
  for (const coding of project.codings) {
    if (coding.layer.kind !== 'coder') {
      consensus++;
      continue;
    }
    const offset = offsets.get(coding.sourceId) ?? 0;
    data.push({
      coder: coderNames.get(coding.layer.userId) ?? coding.layer.userId,
      code: codeNames.get(coding.codeId) ?? coding.codeId,
      start: offset + coding.start,
      end: offset + coding.end,
    });
  }
  const notes = [
    `${project.sources.length} source(s)`,
    `${report.offsets} offsets`,
    ...(consensus > 0 ? [`${consensus} consensus coding(s) left out`] : []),
    ...(report.skipped.length > 0 ? [`${report.skipped.length} item(s) skipped on import`] : []),
  ];
  return { input: { continuum: { begin: 0, end }, data }, documents, summary: notes.join(', ') };
}

function unitizedReport(input: UnitizedInput, options: CommandOptions, documents?: TextRange[]) {
  const bootstrap = bootstrapOptions(options);
  // Unitized statistics resample blocks of the continuum; alpha's method applies to the coded units below.
  const result = computeUnitizedAgreement(input, { bootstrap: bootstrap && { draws: bootstrap.draws, seed: bootstrap.seed } });
  const intervals: Record<string, BootstrapInterval> = {};
  if (!options.unit) return { ...result, intervals };
  const units = continuumUnits(documents ?? [{ start: input.continuum.begin, end: input.continuum.end }], options.unit);
  const codings = input.data.map((segment) => ({ coder: segment.coder, codeId: segment.code, start: segment.start, end: segment.end }));
  const byCode: Record<string, Record<string, number | null>> = {};
  const diagnostics = [...result.diagnostics];
  for (const matrix of presenceMatrices(units, codings)) {
    const coded = computeCodedAgreement(presenceRows(matrix), { level: 'nominal', coderNames: matrix.coders, bootstrap });
    byCode[matrix.codeId] = coded.statistics;
    for (const [key, interval] of Object.entries(coded.intervals)) intervals[`coded_units.${matrix.codeId}.${key}`] = interval;
    diagnostics.push(...coded.diagnostics.map((item) => ({ ...item, message: `code ${matrix.codeId}: ${item.message}` })));
  }
  const label = options.unit.kind === 'window' ? `window:${options.unit.size}` : 'document';
  return { statistics: { ...result.statistics, coded_units: { unit: label, units: units.length, by_code: byCode } }, diagnostics, intervals };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}

function renderReport(
  file: string,
  input: AgreementInput | EncodedCodedInput,
  report: { statistics: Record<string, unknown>; diagnostics: AgreementDiagnostic[]; intervals: Record<string, BootstrapInterval> },
  projectSummary?: string,
): string {
  const heading =
    input.kind !== 'unitized'
      ? `${file}: ${input.kind === 'encoded' ? input.encoded.unitCount : input.data.length} units × ${input.coderNames.length} coders, ${input.level} data`
      : `${file}: unitized, continuum [${input.input.continuum.begin}, ${input.input.continuum.end}), ${input.input.data.length} segments${projectSummary ? ` (${projectSummary})` : ''}`;
  const rows: [string, string, string][] = [['statistic', 'value', 'interval']];
  for (const [key, value] of flatten(report.statistics)) {
    const interval = report.intervals[key];
    rows.push([key, formatValue(value), interval ? formatInterval(interval) : '']);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const table = rows.map((row) => `${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2]}`.trimEnd()).join('\n');
  const diagnostics =
    report.diagnostics.length === 0
      ? 'Diagnostics: none.'
      : ['Diagnostics:', ...report.diagnostics.map((d) => `  [${d.severity}] ${d.kind}: ${d.message}`)].join('\n');
  return `${heading}\n\n${table}\n\n${diagnostics}\n`;
}

/** Nested results (unitized per-code values) become dotted keys so they line up in one table. */
function flatten(record: Record<string, unknown>, prefix = ''): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(record)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) entries.push(...flatten(value as Record<string, unknown>, name));
    else entries.push([name, value]);
  }
  return entries;
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) > 1 ? String(value) : fixed(value);
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** Four decimals, without the "-0.0000" that rounding a tiny negative value would print. */
function fixed(value: number): string {
  const text = value.toFixed(4);
  return text === '-0.0000' ? '0.0000' : text;
}

function formatInterval(interval: BootstrapInterval): string {
  const percent = Math.round(interval.confidence * 100);
  const base = `${percent}% [${fixed(interval.lower)}, ${fixed(interval.upper)}]`;
  if (!interval.probabilityBelow) return base;
  return `${base}  P(<.667)=${interval.probabilityBelow['0.667'].toFixed(3)}  P(<.800)=${interval.probabilityBelow['0.800'].toFixed(3)}`;
}
