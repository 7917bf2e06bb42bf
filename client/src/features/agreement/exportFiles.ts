/**
 * The report as files: the whole JSON, and the per-code table as CSV for R or SPSS (one row per
 * code, one column per statistic, full precision, empty cells for undefined values so both read
 * them as missing). The verdict column is that of the report's headline statistic and is named
 * after it, so a continuum round's file gives the verdict of its (k)uα, not of the turn alpha.
 */
import type { AgreementReport } from '../../../../shared/api/responses';
import { perCodeStatisticOf, perCodeValue } from './perCodeStatistic';
import { verdictFor } from './reading';

function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Column names are plain identifiers (letters, digits, underscores) so R and SPSS accept them as variable names. */
function coderColumn(name: string, index: number): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[^\w]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return `uses_coder${index + 1}_${slug || 'unnamed'}`;
}

export function perCodeCsv(report: AgreementReport): string {
  const kappaKey = report.coders.length === 2 ? 'cohen_kappa' : 'fleiss_kappa';
  const statistic = perCodeStatisticOf(report);
  const header = [
    'code_id',
    'code',
    'units',
    'kripp_alpha_nominal',
    'kripp_alpha_lower',
    'kripp_alpha_upper',
    `verdict_${statistic}`,
    'percent_agreement_pairwise',
    kappaKey,
    'gwet_ac1',
    'char_percent_agreement',
    'char_cohen_kappa',
    'char_coded_only_agreement',
    'k_u_alpha',
    ...report.coders.map((coder, index) => coderColumn(coder.name, index)),
  ];
  const rows = report.byCode.map((code) => {
    const alpha = code.statistics.kripp_alpha_nominal;
    const interval = code.intervals.kripp_alpha_nominal;
    return [
      code.codeId,
      code.name,
      code.units,
      alpha,
      interval?.lower,
      interval?.upper,
      verdictFor(perCodeValue(code, statistic).alpha).level,
      code.statistics.percent_agreement_pairwise,
      code.statistics[kappaKey],
      code.statistics.gwet_ac1,
      code.characterLevel.percentAgreement,
      code.characterLevel.cohenKappa,
      code.characterLevel.codedOnlyAgreement,
      code.unitizedKAlpha,
      ...report.coders.map((coder) => code.usesByCoder[coder.id] ?? 0),
    ];
  });
  return `${[header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

export function downloadFile(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download by the next task; the URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A name as a file-name part: lower-case ASCII letters and digits joined by hyphens. */
function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Named after the round's own unit when the report is of a round (`continuum`, not the turns of its secondary statistics). */
export function reportFileName(projectName: string, report: AgreementReport, extension: 'json' | 'csv' | 'html', roundName?: string | null): string {
  const measured = report.roundUnit ?? report.unit;
  const unit = measured.kind === 'window' ? `window${measured.size}` : measured.kind;
  const round = roundName ? `-${slug(roundName) || 'round'}` : '';
  return `${slug(projectName) || 'project'}-agreement${round}-${unit}${extension === 'csv' ? '-per-code' : ''}.${extension}`;
}
