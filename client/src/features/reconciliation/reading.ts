/**
 * How the navigator words disagreements and decisions: the label of a passage, each recorded
 * action in a sentence, and a coder's codings split into runs of text for side-by-side display.
 * Pure, so the screen and its tests read a decision the same way.
 */
import type { DisagreementKind, RecordedAction } from '../../../../shared/reconcile';

const kindLabels: Record<DisagreementKind, string> = {
  missing: 'missing in one coder',
  'different-code': 'different code',
  'overlapping-codes': 'overlapping codes',
  boundary: 'boundary',
};

/** The passage's label: "boundary only" when the coders differ in nothing else. */
export function disagreementLabel(kinds: readonly DisagreementKind[]): string {
  if (kinds.length === 1 && kinds[0] === 'boundary') return 'boundary only';
  return kinds.map((kind) => kindLabels[kind]).join(' · ');
}

export function actionText(action: RecordedAction, names: { coder: (id: string) => string; code: (id: string) => string }): string {
  switch (action.action) {
    case 'accept-coder':
      return `accepted ${names.coder(action.coder)}’s version`;
    case 'union':
      return `took the union of ${action.coders.map(names.coder).join(' and ')}`;
    case 'intersection':
      return `took the intersection of ${action.coders.map(names.coder).join(' and ')}`;
    case 'custom-range':
      return `drew a custom boundary (${action.start}–${action.end}) as “${names.code(action.codeId)}”`;
    case 'recode':
      return `recoded as “${names.code(action.codeId)}”, starting from: ${actionText(action.from, names)}`;
    case 'discard':
      return 'discarded the passage (nothing goes to consensus)';
    case 'auto-merge':
      return `auto-merged (every coder agreed, overlap at least ${Math.round(action.agreedOverlapRatioMin * 100)} %)`;
  }
}

export interface TextRun {
  start: number;
  end: number;
  /** The codes covering this run, in the order their codings start. */
  codeIds: string[];
}

/** The passage `[start, end)` cut at every coding boundary, each run with the codes that cover it. */
export function textRuns(start: number, end: number, codings: readonly { codeId: string; start: number; end: number }[]): TextRun[] {
  const cuts = new Set([start, end]);
  for (const coding of codings) {
    if (coding.start > start && coding.start < end) cuts.add(coding.start);
    if (coding.end > start && coding.end < end) cuts.add(coding.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const runs: TextRun[] = [];
  for (let index = 0; index + 1 < points.length; index += 1) {
    const from = points[index];
    const to = points[index + 1];
    const codeIds = codings.filter((coding) => coding.start <= from && coding.end >= to).map((coding) => coding.codeId);
    runs.push({ start: from, end: to, codeIds: [...new Set(codeIds)] });
  }
  return runs;
}
