/**
 * The coded segments of a project as one CSV, one row per coding, ready for R, SPSS or Excel:
 * document, one column per participant attribute, the speaker and timestamp of the turn the coding
 * starts in, its layer and coder, code and code path, canonical offsets (SPEC C1), the coded words,
 * memo and creation time.
 */
import type { ExchangeProject } from '../model';
import { compareText, indexProject, type ResolvedCoding } from './projectIndex';
import { type CsvCell, type CsvOptions, writeCsv } from './spreadsheetCells';

const leadingColumns = ['document'];
const trailingColumns = ['speaker', 'timestamp', 'layer', 'coder', 'code', 'code path', 'start', 'end', 'text', 'memo', 'created'];

/**
 * Rows are ordered by document (in project order), start, end, layer (coders by name, then the
 * consensus), code path, then coding id, so the same project always gives the same file.
 */
export function codingsCsv(project: ExchangeProject, options: CsvOptions = {}): string {
  const { codings } = indexProject(project);
  const attributeNames = [...new Set(project.sources.flatMap((source) => Object.keys(source.attributes)))].sort(compareText);
  const fixedColumns = new Set([...leadingColumns, ...trailingColumns]);
  // An attribute named like a fixed column ("speaker") would give R two columns of one name.
  const attributeColumns = attributeNames.map((name) => (fixedColumns.has(name.toLowerCase()) ? `${name} (attribute)` : name));

  const rows = [...codings].sort(compareRows).map(
    ({ coding, source, code, codePath, text, startTurn, layerLabel }): CsvCell[] => [
      source.title,
      ...attributeNames.map((name) => source.attributes[name] ?? ''),
      startTurn.speaker,
      startTurn.timestamp ?? '',
      coding.layer.kind,
      layerLabel,
      code.name,
      codePath,
      coding.start,
      coding.end,
      text,
      coding.memo,
      coding.createdAt,
    ],
  );
  return writeCsv([...leadingColumns, ...attributeColumns, ...trailingColumns], rows, options);
}

function compareRows(a: ResolvedCoding, b: ResolvedCoding): number {
  const layerRank = (row: ResolvedCoding) => (row.coding.layer.kind === 'consensus' ? 1 : 0);
  return (
    a.sourcePosition - b.sourcePosition ||
    a.coding.start - b.coding.start ||
    a.coding.end - b.coding.end ||
    layerRank(a) - layerRank(b) ||
    compareText(a.layerLabel, b.layerLabel) ||
    compareText(a.codePath, b.codePath) ||
    compareText(a.coding.id, b.coding.id)
  );
}
