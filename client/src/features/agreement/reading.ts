/**
 * How the agreement report is read on screen: number formatting, Krippendorff's verdicts, the
 * names of statistics, and diagnostics put into the words a methods reviewer uses. Pure functions,
 * so the screen, the CSV export and the tests agree on every displayed value.
 */
import type { UnitSpec } from '../../../../shared/agreement/segments/units';
import { type AlphaThresholdKey, type VerdictLevel, verdictLevel } from '../../../../shared/agreement/verdict';
import type { AgreementReport } from '../../../../shared/api/responses';
import type { RoundUnit } from '../../../../shared/api/rounds';

type Diagnostic = AgreementReport['diagnostics'][number];

/** Three decimals, as in the methods paragraph; a true minus sign so negative values read as such. */
export function formatStatistic(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toFixed(3).replace('-', '−');
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${(value * 100).toFixed(1)}%`;
}

export function formatInterval(interval: { lower: number; upper: number } | undefined): string {
  if (!interval) return '';
  return `${formatStatistic(interval.lower)} to ${formatStatistic(interval.upper)}`;
}

export interface Verdict {
  level: VerdictLevel;
  label: string;
  /** Shown next to the label, so colour is never the only signal. */
  icon: string;
}

const verdictLooks: Record<VerdictLevel, Omit<Verdict, 'level'>> = {
  reliable: { label: 'Reliable', icon: '✓' },
  tentative: { label: 'Tentative only', icon: '◐' },
  unreliable: { label: 'Unreliable', icon: '✗' },
  undefined: { label: 'Undefined', icon: '—' },
};

/** Krippendorff's reading of alpha (the shared verdict rule), as a label and icon. */
export function verdictFor(alpha: number | null | undefined): Verdict {
  const level = verdictLevel(alpha);
  return { level, ...verdictLooks[level] };
}

/** A threshold as the methods literature writes it: `0.800` → `.800`. */
export const thresholdText = (key: AlphaThresholdKey): string => key.replace(/^0/, '');

export const unitOptions: { kind: UnitSpec['kind']; label: string }[] = [
  { kind: 'turn', label: 'Speaker turn' },
  { kind: 'sentence', label: 'Sentence' },
  { kind: 'paragraph', label: 'Paragraph' },
  { kind: 'window', label: 'Window of N characters' },
  { kind: 'document', label: 'Whole transcript' },
];

/** A round's unit in a sentence ("by speaker turn", "by the codings' own boundaries"). */
export function roundUnitLabel(unit: RoundUnit): string {
  if (unit.kind === 'continuum') return 'the codings’ own boundaries (unitized (k)uα)';
  if (unit.kind === 'window') return `windows of ${unit.size} characters`;
  return (unitOptions.find((option) => option.kind === unit.kind)?.label ?? unit.kind).toLowerCase();
}

export function unitDescription(unit: UnitSpec, count: number): string {
  const plural = count === 1 ? '' : 's';
  switch (unit.kind) {
    case 'turn':
      return `${count} speaker turn${plural}`;
    case 'sentence':
      return `${count} sentence${plural}`;
    case 'paragraph':
      return `${count} paragraph${plural}`;
    case 'window':
      return `${count} window${plural} of ${unit.size} characters`;
    case 'document':
      return `${count} whole transcript${plural}`;
  }
}

/** Engine keys as a reader knows them; used in diagnostics, which name the statistics they are about. */
const statisticNames: Record<string, string> = {
  kripp_alpha_nominal: "Krippendorff's α",
  kripp_alpha_nominal_by_convention: "Krippendorff's α (1 by convention)",
  percent_agreement_pairwise: 'percent agreement',
  percent_agreement_unanimous_units: 'percent agreement (unanimous units)',
  cohen_kappa: "Cohen's κ",
  cohen_kappa_linear: "Cohen's κ (linear weights)",
  cohen_kappa_quadratic: "Cohen's κ (quadratic weights)",
  fleiss_kappa: "Fleiss' κ",
  fleiss_kappa_gwet_missing: "Fleiss' κ (Gwet, missing data)",
  conger_kappa: "Conger's κ",
  conger_kappa_gwet_missing: "Conger's κ (Gwet, missing data)",
  light_kappa: "Light's κ",
  scott_pi: "Scott's π",
  brennan_prediger: 'Brennan–Prediger',
  gwet_ac1: "Gwet's AC1",
  gwet_ac2_linear: "Gwet's AC2 (linear)",
  gwet_ac2_quadratic: "Gwet's AC2 (quadratic)",
  u_alpha: 'uα',
  binary_u_alpha: '|uα',
  cu_alpha: 'cuα',
  k_u_alpha: '(k)uα',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The engine speaks in ids and keys (a code is a category id, a per-code table's categories are
 * 1 and 0, a statistic is `cohen_kappa`); this puts back the names the researcher gave them.
 */
export function readableDiagnostic(
  diagnostic: Diagnostic,
  names: { codes: ReadonlyMap<string, string>; coders: ReadonlyMap<string, string> },
): string {
  let message = diagnostic.message;
  if (diagnostic.scope.startsWith('code "')) {
    message = message.replace(/(category|Category) "1"/g, '$1 “applied”').replace(/(category|Category) "0"/g, '$1 “not applied”');
  }
  for (const [id, name] of [...names.codes, ...names.coders]) message = message.replace(new RegExp(escapeRegExp(id), 'g'), name);
  const keys = Object.keys(statisticNames).sort((a, b) => b.length - a.length);
  message = message.replace(new RegExp(`\\b(${keys.map(escapeRegExp).join('|')})\\b`, 'g'), (key) => statisticNames[key]);
  return message;
}

/**
 * Why a per-code (or per-group) alpha is missing: the diagnostic of that scope that names alpha as
 * undefined, in its own words.
 */
export function undefinedAlphaReason(diagnostics: readonly Diagnostic[], scope: string): Diagnostic | undefined {
  return diagnostics.find(
    (item) =>
      item.scope === scope &&
      (item.kind === 'no_variation' || item.kind === 'undefined_statistic' || item.kind === 'too_few_coders') &&
      (item.statistics === undefined || item.statistics.includes('kripp_alpha_nominal')),
  );
}

/** The scope names the report gives its parts (see shared/agreement/report.ts). */
export const scopes = {
  code: (name: string) => `code "${name}"`,
  document: (title: string) => `document "${title}"`,
  group: (attribute: string, value: string) => `${attribute} = ${value}`,
  pair: (a: string, b: string) => `${a} and ${b}`,
};

export const severityIcons: Record<Diagnostic['severity'], { icon: string; label: string }> = {
  error: { icon: '⛔', label: 'Error' },
  warning: { icon: '⚠', label: 'Warning' },
  info: { icon: 'ℹ', label: 'Note' },
};
