/** The codebook as one CSV, one row per code in tree order (each parent before its children). */
import type { ExchangeProject } from '../model';
import { codesInTreeOrder, indexProject } from './projectIndex';
import { type CsvOptions, writeCsv } from './spreadsheetCells';

const columns = ['id', 'name', 'path', 'parent', 'colour', 'definition', 'inclusion', 'exclusion', 'example', 'archived'];

/** `parent` is the parent's id (empty for a top-level code); `archived` is `true` or `false`, which R reads as logical. */
export function codebookCsv(project: ExchangeProject, options: CsvOptions = {}): string {
  const index = indexProject(project);
  const rows = codesInTreeOrder(project.codes).map((code) => [
    code.id,
    code.name,
    index.codePath(code.id),
    code.parentId ?? '',
    code.color,
    code.definition,
    code.inclusion,
    code.exclusion,
    code.example,
    String(code.archived),
  ]);
  return writeCsv(columns, rows, options);
}
