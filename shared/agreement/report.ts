/**
 * The project agreement report: how far independent coders agree, per code, per coder pair, per
 * document and per participant group, from the codings of whole transcripts. Pure composition of
 * the coded-unit, unitized and character-level engines, so the server, the browser and the CLI
 * give the same numbers.
 *
 * Coded-unit statistics need units: the transcripts are split into the chosen unit (speaker turn,
 * sentence, paragraph, fixed window, whole document) and a coder "applied" a code to a unit when one
 * of their codings of it overlaps the unit. Units of all selected documents are pooled.
 * Unitized statistics (Krippendorff's uα family) use the codings' own boundaries; for the project
 * total the documents are laid end to end as one continuum.
 *
 * One statistic heads a report (`headline`): Krippendorff's alpha over the coded units, or, for a
 * calibration round on the codings' own boundaries, the unitized (k)uα per code. The methods
 * paragraph opens with it, and the navigator of such a round orders codes by the same per-code
 * number (`headlinePerCode`).
 */
import type { RoundUnit } from '../api/rounds';
import { computeCodedAgreement } from './coded/index';
import type { AlphaIntervalMethod, BootstrapInterval, CodedMatrix } from './coded/types';
import { type AgreementDiagnostic, diagnostic } from './diagnostics';
import { characterAgreement } from './segments/characterAgreement';
import { multiLabelRows, presenceMatrices, type SegmentCoding } from './segments/matrices';
import { splitUnits, type TextRange, type UnitSpec } from './segments/units';
import { computeUnitizedAgreement } from './unitized/index';

export interface ReportDocument {
  id: string;
  title: string;
  attributes: Record<string, string>;
  text: string;
  turns: readonly TextRange[];
  codings: readonly SegmentCoding[];
}

export interface ReportCode {
  id: string;
  name: string;
  parentId: string | null;
}

/**
 * Which statistic heads a report: `coded`, Krippendorff's alpha over the coded units (nominal, per
 * code `kripp_alpha_nominal`); `unitized`, the unitized (k)uα per code on the codings' own
 * boundaries (`unitizedKAlpha`), which has no interval. The other statistics stay in the report.
 */
export type ReportHeadline = 'coded' | 'unitized';

export interface AgreementReportOptions {
  /** The unit of the coded-unit statistics (for a unitized headline they are secondary). */
  unit: UnitSpec;
  /** Default `coded`. */
  headline?: ReportHeadline;
  /** The unit of the calibration round the report is of, if it is of one; the report carries it as `roundUnit`. */
  roundUnit?: RoundUnit;
  /** Coder ids (columns), in order; coders who coded nothing stay in as all-absent columns. */
  coders: readonly string[];
  coderNames?: Record<string, string>;
  codes: readonly ReportCode[];
  /** Participant attribute to group documents by (default `role`). */
  groupBy?: string;
  /** `alphaMethod` omitted: alpha's interval resamples units (the engine's default). */
  bootstrap?: { draws: number; seed: number; alphaMethod?: AlphaIntervalMethod };
}

export interface ScopedDiagnostic extends AgreementDiagnostic {
  /** Which part of the report the diagnostic is about, e.g. `code "Enabler"`, `document "Interview 3"`. */
  scope: string;
  /** The same, for programs: the part's kind and id (code id, document id, "coderA|coderB", group value). */
  about: { kind: 'overall' | 'code' | 'pair' | 'document' | 'group' | 'unitized'; id?: string };
}

export interface AgreementCell {
  units: number;
  statistics: Record<string, number | null>;
  intervals: Record<string, BootstrapInterval>;
}

export interface CodeAgreement extends AgreementCell {
  codeId: string;
  name: string;
  /** How many codings each coder made with this code (in the selected documents). */
  usesByCoder: Record<string, number>;
  characterLevel: { percentAgreement: number | null; cohenKappa: number | null; codedOnlyAgreement: number | null };
  /** Per-code unitized uα of the 2016 family, (k)uα, over the documents laid end to end. */
  unitizedKAlpha: number | null;
}

export interface AgreementReport {
  /** The unit of the coded-unit statistics. */
  unit: UnitSpec;
  /** The statistic that heads the report and its methods paragraph (see ReportHeadline). */
  headline: ReportHeadline;
  /** The unit of the calibration round the report is of (`continuum`: the codings' own boundaries); absent for a report chosen by hand. */
  roundUnit?: RoundUnit;
  coders: { id: string; name: string }[];
  documents: { id: string; title: string }[];
  /** All codes together: each unit's set of codes per coder is one nominal label. */
  overall: AgreementCell & { unitized: Record<string, unknown> };
  byCode: CodeAgreement[];
  byCoderPair: (AgreementCell & { coders: [string, string] })[];
  byDocument: (AgreementCell & { documentId: string; title: string })[];
  byGroup: (AgreementCell & { attribute: string; value: string; documents: number })[];
  diagnostics: ScopedDiagnostic[];
  /** A plain-language paragraph for a methods section. */
  methodsText: string;
}

type Scope = Pick<ScopedDiagnostic, 'scope' | 'about'>;

function cell(rows: CodedMatrix, coderNames: readonly string[], options: AgreementReportOptions, scope: Scope, diagnostics: ScopedDiagnostic[]): AgreementCell {
  if (rows.length === 0) return { units: 0, statistics: {}, intervals: {} };
  const result = computeCodedAgreement(rows, { level: 'nominal', coderNames, bootstrap: options.bootstrap });
  // Too few coders is said once for the whole report, not again for every code, document and group.
  for (const item of result.diagnostics) if (item.kind !== 'too_few_coders') diagnostics.push({ ...item, ...scope });
  return { units: rows.length, statistics: result.statistics, intervals: result.intervals };
}

/**
 * Unique display labels: the name, or "Parent › Name" (then the id) when names repeat. The engines
 * see labels, not ids, so their diagnostics read naturally and category order (and with it a seeded
 * bootstrap) does not depend on randomly generated ids.
 */
function uniqueLabels(entries: readonly { id: string; name: string; qualified?: string }[]): Map<string, string> {
  const count = (label: string, key: 'name' | 'qualified') => entries.filter((entry) => (entry[key] ?? entry.name) === label).length;
  const labels = new Map<string, string>();
  for (const entry of entries) {
    if (count(entry.name, 'name') === 1) labels.set(entry.id, entry.name);
    else if (entry.qualified && count(entry.qualified, 'qualified') === 1) labels.set(entry.id, entry.qualified);
    else labels.set(entry.id, `${entry.name} (${entry.id})`);
  }
  return labels;
}

const applied = 'applied';
const notApplied = 'not applied';

function unitLabel(unit: UnitSpec): string {
  switch (unit.kind) {
    case 'turn':
      return 'speaker turns';
    case 'paragraph':
      return 'paragraphs';
    case 'sentence':
      return 'sentences';
    case 'window':
      return `windows of ${unit.size} characters`;
    case 'document':
      return 'whole transcripts';
  }
}

const format = (value: number | null | undefined) => (value === null || value === undefined ? 'undefined' : value.toFixed(3));

function tooFewCodersText(coders: readonly string[]): string {
  return `Intercoder agreement needs codings from at least two coders; ${coders.length === 0 ? 'no coder was selected' : `only ${coders[0]} was selected`}`;
}

/**
 * Alpha's interval for a methods section: which resampling, and why it matters. The coverage figures
 * are from bench/agreementCoverage.ts (1,000 simulated studies per size, population alpha .700).
 */
function alphaIntervalText(interval: BootstrapInterval, units: number): string {
  const percent = Math.round(interval.confidence * 100);
  const q = interval.probabilityBelow ? `; the probability of alpha below .667 was ${format(interval.probabilityBelow['0.667'])}` : '';
  const range = `${percent}% bootstrap percentile interval ${format(interval.lower)}–${format(interval.upper)}`;
  const resamples = `${interval.draws} resamples, seed ${interval.seed}`;
  if (interval.method === 'hayes_krippendorff_pairs') {
    return (
      ` (${range} over the pairable values with expected disagreement held fixed, after Hayes & Krippendorff 2007, ${resamples}${q}; ` +
      `this interval treats the pairs of values within a unit as independent and is narrower than one over units: ` +
      `in simulated studies with a known alpha it covered it less often than its nominal ${percent}% when units had three or more values)`
    );
  }
  return (
    ` (${range} over the ${units} units, ${resamples}${q}; ` +
    `resampling whole units keeps the values coded on one unit together, and in simulated studies with a known alpha ` +
    `such intervals covered it in close to ${percent}% of studies)`
  );
}

/**
 * What the per-code (k)uα values were, in a clause for the methods paragraph: one value, a range,
 * and how many codes it was undefined for.
 */
function kAlphaClause(byCode: readonly CodeAgreement[]): string {
  const defined = byCode
    .filter((code): code is CodeAgreement & { unitizedKAlpha: number } => code.unitizedKAlpha !== null)
    .sort((a, b) => a.unitizedKAlpha - b.unitizedKAlpha);
  const undefinedCount = byCode.length - defined.length;
  if (defined.length === 0) return byCode.length === 0 ? 'no code was applied' : 'it was undefined for every code';
  const lowest = defined[0];
  const highest = defined[defined.length - 1];
  const values =
    defined.length === 1
      ? `it was ${format(lowest.unitizedKAlpha)} for ${lowest.name}`
      : format(lowest.unitizedKAlpha) === format(highest.unitizedKAlpha)
        ? `it was ${format(lowest.unitizedKAlpha)} for each of ${defined.length} codes`
        : `it ranged from ${format(lowest.unitizedKAlpha)} (${lowest.name}) to ${format(highest.unitizedKAlpha)} (${highest.name})`;
  return undefinedCount === 0 ? values : `${values}, and was undefined for ${undefinedCount} code${undefinedCount === 1 ? '' : 's'}`;
}

/** A document's codings of the chosen coders and known codes, in label space. */
interface LabelledDocument {
  document: ReportDocument;
  codings: SegmentCoding[];
}

/**
 * What every part of a report starts from: coder and code labels, each document's codings in label
 * space, and the codes applied in them (the report's `byCode`, in codebook order).
 */
function prepare(documents: readonly ReportDocument[], options: Pick<AgreementReportOptions, 'coders' | 'coderNames' | 'codes'>) {
  const coderIds = [...options.coders];
  const coderLabel = uniqueLabels(coderIds.map((id) => ({ id, name: options.coderNames?.[id] ?? id })));
  const coders = coderIds.map((id) => coderLabel.get(id) as string);
  const codeById = new Map(options.codes.map((code) => [code.id, code]));
  const codeLabel = uniqueLabels(
    options.codes.map((code) => {
      const parent = code.parentId ? codeById.get(code.parentId) : undefined;
      return { id: code.id, name: code.name, qualified: parent ? `${parent.name} › ${code.name}` : undefined };
    }),
  );
  const labelled: LabelledDocument[] = documents.map((document) => ({
    document,
    codings: document.codings
      .filter((coding) => coderLabel.has(coding.coder) && codeLabel.has(coding.codeId))
      .map((coding) => ({ ...coding, coder: coderLabel.get(coding.coder) as string, codeId: codeLabel.get(coding.codeId) as string })),
  }));
  const appliedCodes = options.codes
    .map((code) => ({ code, label: codeLabel.get(code.id) as string }))
    .filter(({ label }) => labelled.some((entry) => entry.codings.some((coding) => coding.codeId === label)));
  return { coderIds, coderLabel, coders, labelled, appliedCodes };
}

/**
 * Documents end to end, with nothing between them (as `cocode agreement` lays out a .qdpx's
 * sources), so unitized and character-level statistics see one continuum of the texts alone.
 */
function continuumOf(labelled: readonly LabelledDocument[]): { length: number; codings: SegmentCoding[] } {
  let offset = 0;
  const codings: SegmentCoding[] = [];
  for (const { document, codings: documentCodings } of labelled) {
    for (const coding of documentCodings) codings.push({ ...coding, start: coding.start + offset, end: coding.end + offset });
    offset += document.text.length;
  }
  return { length: offset, codings };
}

/** The unitized family on the continuum; none without text or with fewer than two coders. */
function unitizedOn(continuum: { length: number; codings: readonly SegmentCoding[] }, coders: readonly string[]) {
  if (continuum.length === 0 || coders.length < 2) return null;
  return computeUnitizedAgreement({
    continuum: { begin: 0, end: continuum.length },
    data: continuum.codings.map((coding) => ({ coder: coding.coder, start: coding.start, end: coding.end, code: coding.codeId })),
  });
}

/** One code applied or not applied to each unit, per coder, units of all documents pooled; labels, so diagnostics speak of "applied", not of categories 1 and 0. */
function presenceRows(perDocument: readonly (LabelledDocument & { units: readonly TextRange[] })[], label: string, coders: readonly string[]): string[][] {
  const rows: string[][] = [];
  for (const entry of perDocument) {
    const [matrix] = presenceMatrices(entry.units, entry.codings.filter((coding) => coding.codeId === label), coders);
    for (let unit = 0; unit < entry.units.length; unit += 1)
      rows.push(coders.map((_, column) => (matrix?.values[unit * coders.length + column] ? applied : notApplied)));
  }
  return rows;
}

const unitsOf = (document: ReportDocument, unit: UnitSpec) => splitUnits({ text: document.text, turns: document.turns }, unit);

/**
 * The per-code number that heads a report of these documents, by code id, for the codes the report
 * lists: (k)uα for a unitized headline, Krippendorff's alpha over the coded units otherwise. The
 * same values as the report's `byCode`, computed without the rest of the report (no other
 * statistic, pair, document or group), for the reconciliation navigator's order.
 */
export function headlinePerCode(
  documents: readonly ReportDocument[],
  options: Pick<AgreementReportOptions, 'unit' | 'coders' | 'coderNames' | 'codes' | 'headline'>,
): Record<string, number | null> {
  const { coders, labelled, appliedCodes } = prepare(documents, options);
  if ((options.headline ?? 'coded') === 'unitized') {
    const kAlpha = (unitizedOn(continuumOf(labelled), coders)?.statistics.k_u_alpha ?? {}) as Record<string, number | null>;
    return Object.fromEntries(appliedCodes.map(({ code, label }) => [code.id, kAlpha[label] ?? null]));
  }
  const perDocument = labelled.map((entry) => ({ ...entry, units: unitsOf(entry.document, options.unit) }));
  return Object.fromEntries(
    appliedCodes.map(({ code, label }) => {
      const rows = presenceRows(perDocument, label, coders);
      return [code.id, rows.length === 0 ? null : (computeCodedAgreement(rows, { level: 'nominal', coderNames: coders }).statistics.kripp_alpha_nominal ?? null)];
    }),
  );
}

export function agreementReport(documents: readonly ReportDocument[], options: AgreementReportOptions): AgreementReport {
  const diagnostics: ScopedDiagnostic[] = [];
  const headline = options.headline ?? 'coded';
  const { coderIds, coderLabel, coders, labelled, appliedCodes } = prepare(documents, options);
  if (coders.length < 2) {
    diagnostics.push({
      ...diagnostic('too_few_coders', 'error', `${tooFewCodersText(coders)}, so no agreement can be measured.`, { value: coders.length, measure: 'coders' }),
      scope: 'all codes',
      about: { kind: 'overall' },
    });
  }

  // Units per document, and each unit's set of codes per coder as one label.
  const perDocument = labelled.map((entry) => {
    const units = unitsOf(entry.document, options.unit);
    return { ...entry, units, labels: multiLabelRows(units, entry.codings, coders).rows };
  });

  const overallRows = perDocument.flatMap((entry) => entry.labels);
  const overallCell = cell(overallRows, coders, options, { scope: 'all codes', about: { kind: 'overall' } }, diagnostics);

  const continuum = continuumOf(labelled);
  const unitizedResult = unitizedOn(continuum, coders);
  const unitized: Record<string, unknown> = unitizedResult?.statistics ?? {};
  for (const item of unitizedResult?.diagnostics ?? []) diagnostics.push({ ...item, scope: 'unitized, all documents', about: { kind: 'unitized' } });
  const characterByCode =
    continuum.length > 0 && coders.length >= 2
      ? new Map(characterAgreement(continuum.length, continuum.codings, coders).byCode.map((entry) => [entry.codeId, entry]))
      : new Map();
  const unitizedKAlpha = (unitized.k_u_alpha ?? {}) as Record<string, number | null>;

  const byCode: CodeAgreement[] = appliedCodes.map(({ code, label }) => {
    const rows = presenceRows(perDocument, label, coders);
    const usesByCoder = Object.fromEntries(coderIds.map((coder) => [coder, 0]));
    for (const entry of perDocument)
      for (const coding of entry.codings)
        if (coding.codeId === label) usesByCoder[coderIds[coders.indexOf(coding.coder)]] += 1;
    const character = characterByCode.get(label);
    return {
      codeId: code.id,
      name: label,
      ...cell(rows, coders, options, { scope: `code "${label}"`, about: { kind: 'code', id: code.id } }, diagnostics),
      usesByCoder,
      characterLevel: {
        percentAgreement: character?.meanPercentAgreement ?? null,
        cohenKappa: character?.meanCohenKappa ?? null,
        codedOnlyAgreement: character?.meanCodedOnlyPercentAgreement ?? null,
      },
      unitizedKAlpha: unitizedKAlpha[label] ?? null,
    };
  });

  const byCoderPair: AgreementReport['byCoderPair'] = [];
  for (let a = 0; a < coders.length; a += 1)
    for (let b = a + 1; b < coders.length; b += 1) {
      const rows = overallRows.map((row) => [row[a], row[b]]);
      const scope = { scope: `${coders[a]} and ${coders[b]}`, about: { kind: 'pair' as const, id: `${coderIds[a]}|${coderIds[b]}` } };
      byCoderPair.push({ coders: [coderIds[a], coderIds[b]], ...cell(rows, [coders[a], coders[b]], options, scope, diagnostics) });
    }

  const byDocument = perDocument.map((entry) => ({
    documentId: entry.document.id,
    title: entry.document.title,
    ...cell(entry.labels, coders, options, { scope: `document "${entry.document.title}"`, about: { kind: 'document', id: entry.document.id } }, diagnostics),
  }));

  const attribute = options.groupBy ?? 'role';
  const groups = new Map<string, typeof perDocument>();
  for (const entry of perDocument) {
    const value = entry.document.attributes[attribute];
    if (value === undefined || value === '') continue;
    groups.set(value, [...(groups.get(value) ?? []), entry]);
  }
  const byGroup = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([value, entries]) => ({
      attribute,
      value,
      documents: entries.length,
      ...cell(entries.flatMap((entry) => entry.labels), coders, options, { scope: `${attribute} = ${value}`, about: { kind: 'group', id: value } }, diagnostics),
    }));

  const alpha = overallCell.statistics.kripp_alpha_nominal;
  const interval = overallCell.intervals.kripp_alpha_nominal;
  const transcripts = `${documents.length} transcript${documents.length === 1 ? '' : 's'}`;
  const codedBy = `${coders.length} coders (${coders.join(', ')}) with a codebook of ${byCode.length} applied code${byCode.length === 1 ? '' : 's'}`;
  const codedUnits =
    `the transcripts were divided into ${overallRows.length} ${unitLabel(options.unit)}; a coder was taken to have applied ` +
    `a code to a unit when any of their codings of that code overlapped it. Across all codes (each unit's set of codes treated as one nominal value), ` +
    `Krippendorff's alpha was ${format(alpha)}` +
    (interval ? alphaIntervalText(interval, overallRows.length) : '') +
    `; pairwise percent agreement was ${format(overallCell.statistics.percent_agreement_pairwise)}` +
    (overallCell.statistics.gwet_ac1 !== undefined ? ` and Gwet's AC1 ${format(overallCell.statistics.gwet_ac1)}` : '') +
    `. `;
  const uAlpha = typeof unitized.u_alpha === 'number' ? (unitized.u_alpha as number) : null;
  const closing = `Per-code values are reported in the accompanying table. Computed with cocode.`;
  let methodsText: string;
  if (coders.length < 2) methodsText = `${tooFewCodersText(coders)}, so it could not be assessed on the ${documents.length} selected transcript${documents.length === 1 ? '' : 's'}. Computed with cocode.`;
  else if (headline === 'unitized')
    // The round's own statistic first; the coded-unit statistics follow, said to be secondary.
    methodsText =
      `${options.roundUnit ? 'In this calibration round intercoder agreement' : 'Intercoder agreement'} was measured on the codings' own boundaries, with no units imposed, ` +
      `on ${transcripts} coded independently by ${codedBy}: per code, as the unitized (k)uα (Krippendorff et al. 2016)` +
      `${documents.length > 1 ? ', with the transcripts laid end to end as one continuum' : ''}; ${kAlphaClause(byCode)}. ` +
      (uAlpha !== null
        ? `Over all codes together, uα was ${format(uAlpha)} and |uα (coded vs. uncoded) ${format(unitized.binary_u_alpha as number | null)}. ` +
          'No confidence interval is reported for (k)uα or uα. '
        : 'No confidence interval is reported for (k)uα. ') +
      `Secondary to these, coded-unit statistics were computed over ${unitLabel(options.unit)}: ${codedUnits}` +
      closing;
  else
    methodsText =
      `Intercoder agreement was assessed on ${transcripts} coded independently by ${codedBy}. ` +
      `For coded-unit statistics ${codedUnits}` +
      (uAlpha !== null
        ? `Treating the codings' own boundaries as data (Krippendorff et al. 2016), uα was ${format(uAlpha)} and |uα (coded vs. uncoded) ${format(unitized.binary_u_alpha as number | null)}. `
        : '') +
      closing;

  return {
    unit: options.unit,
    headline,
    ...(options.roundUnit ? { roundUnit: options.roundUnit } : {}),
    coders: coderIds.map((id) => ({ id, name: coderLabel.get(id) as string })),
    documents: documents.map((document) => ({ id: document.id, title: document.title })),
    overall: { ...overallCell, unitized },
    byCode,
    byCoderPair,
    byDocument,
    byGroup,
    diagnostics,
    methodsText,
  };
}
