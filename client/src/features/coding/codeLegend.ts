/** The "Codes in view" legend: the codebook tree cut down to the codes that have codings in view. */
import { codeUsage } from '../../../../shared/collab/codings';
import { unknownCodeColour } from '../../../../shared/collab/palette';
import type { Code } from '../../../../shared/collab/schema';
import { codeTree } from '../codebook/codebook';

export interface LegendEntry {
  codeId: string;
  name: string;
  color: string;
  depth: number;
  /** Codings of this very code. */
  own: number;
  /** Codings of this code and all its sub-codes: what filtering by it shows. */
  total: number;
}

/** Codes with codings in view, themselves or below them, in codebook order; unknown codes last. */
export function codeLegend(codes: Code[], codings: Iterable<{ codeId: string }>): LegendEntry[] {
  const own = codeUsage(codings);
  const tree = codeTree(codes);
  const totals = new Map<string, number>();
  // Depth-first order puts sub-codes after their parent, so a backwards pass sums bottom-up.
  for (let position = tree.length - 1; position >= 0; position -= 1) {
    const code = tree[position].code;
    const total = (totals.get(code.id) ?? 0) + (own.get(code.id) ?? 0);
    totals.set(code.id, total);
    if (code.parentId !== null) totals.set(code.parentId, (totals.get(code.parentId) ?? 0) + total);
  }
  const entries: LegendEntry[] = tree
    .filter((entry) => (totals.get(entry.code.id) ?? 0) > 0)
    .map((entry) => ({
      codeId: entry.code.id,
      name: entry.code.name,
      color: entry.code.color,
      depth: entry.depth,
      own: own.get(entry.code.id) ?? 0,
      total: totals.get(entry.code.id) ?? 0,
    }));
  const known = new Set(codes.map((code) => code.id));
  for (const [codeId, count] of own)
    if (!known.has(codeId)) entries.push({ codeId, name: 'Unknown code', color: unknownCodeColour, depth: 0, own: count, total: count });
  return entries;
}

/** The codes a filter shows: the picked ones and all their sub-codes ("Enabler" shows every kind of enabler); null for no filter. */
export function filteredCodeIds(codes: Code[], picked: ReadonlySet<string>): ReadonlySet<string> | null {
  if (picked.size === 0) return null;
  const included = new Set(picked);
  for (const entry of codeTree(codes)) if (entry.code.parentId !== null && included.has(entry.code.parentId)) included.add(entry.code.id);
  return included;
}
