/** Codebook helpers shared by the picker, the legend and the codebook screen. */
import type { Code } from '../../../../shared/collab/schema';

export interface CodeTreeEntry {
  code: Code;
  depth: number;
  /** "Parent › Child", for search and for telling same-named sub-codes apart. */
  path: string;
}

/** Depth-first order: each code followed by its sub-codes, siblings by order then name. */
export function codeTree(codes: Code[]): CodeTreeEntry[] {
  const byParent = new Map<string | null, Code[]>();
  const known = new Set(codes.map((code) => code.id));
  for (const code of codes) {
    // A code whose parent is missing (deleted concurrently) is shown at the top level, not lost.
    const parent = code.parentId !== null && known.has(code.parentId) ? code.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), code]);
  }
  const entries: CodeTreeEntry[] = [];
  const visit = (parentId: string | null, depth: number, prefix: string) => {
    const children = (byParent.get(parentId) ?? []).sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
    for (const code of children) {
      const path = prefix ? `${prefix} › ${code.name}` : code.name;
      entries.push({ code, depth, path });
      visit(code.id, depth + 1, path);
    }
  };
  visit(null, 0, '');
  return entries;
}

/** Where a moved code lands relative to the code it was dropped on. */
export type Placement = 'before' | 'after' | 'inside';

export interface CodeMove {
  codeId: string;
  /** Past tense, for the status line: "nested under “Enabler”". */
  description: string;
  /** `PATCH …/codes/:codeId` bodies, the moved code first, so a refused move changes nothing. */
  patches: { codeId: string; patch: { order: number; parentId?: string | null } }[];
}

/**
 * Plans a move as `{order, parentId}` patches. One patch when an order fits strictly between the
 * new neighbours (orders are numbers, so a midpoint works); otherwise, with equal orders among the
 * siblings (ties sort by name), the destination siblings are renumbered. Cycles are not checked
 * here: the server refuses them and the caller shows its reason.
 */
export function planCodeMove(codes: Code[], codeId: string, targetId: string, placement: Placement): CodeMove | null {
  const known = new Set(codes.map((code) => code.id));
  const parentOf = (code: Code) => (code.parentId !== null && known.has(code.parentId) ? code.parentId : null);
  const code = codes.find((candidate) => candidate.id === codeId);
  const target = codes.find((candidate) => candidate.id === targetId);
  if (!code || !target || code.id === target.id) return null;
  const parentId = placement === 'inside' ? target.id : parentOf(target);
  const siblings = codeTree(codes)
    .map((entry) => entry.code)
    .filter((sibling) => parentOf(sibling) === parentId && sibling.id !== code.id);
  const insertAt = placement === 'inside' ? siblings.length : siblings.findIndex((sibling) => sibling.id === target.id) + (placement === 'after' ? 1 : 0);
  const previous = siblings[insertAt - 1];
  const next = siblings[insertAt];
  const order = !previous ? (next ? next.order - 1 : 0) : !next ? previous.order + 1 : (previous.order + next.order) / 2;
  const description = placement === 'inside' ? `nested under “${target.name}”` : `moved ${placement} “${target.name}”`;
  const fits = (!previous || previous.order < order) && (!next || order < next.order);
  if (fits) return { codeId, description, patches: [{ codeId, patch: { order, parentId } }] };
  const renumbered = siblings
    .map((sibling, index) => ({ sibling, order: index < insertAt ? index : index + 1 }))
    .filter(({ sibling, order: wanted }) => sibling.order !== wanted)
    .map(({ sibling, order: wanted }) => ({ codeId: sibling.id, patch: { order: wanted } }));
  return { codeId, description, patches: [{ codeId, patch: { order: insertAt, parentId } }, ...renumbered] };
}

const recentLimit = 6;
const recentKey = (projectId: string) => `cocode:recent-codes:${projectId}`;

export function recentCodeIds(projectId: string): string[] {
  try {
    const stored = JSON.parse(localStorage.getItem(recentKey(projectId)) ?? '[]');
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberRecentCode(projectId: string, codeId: string): void {
  const next = [codeId, ...recentCodeIds(projectId).filter((id) => id !== codeId)].slice(0, recentLimit);
  localStorage.setItem(recentKey(projectId), JSON.stringify(next));
}
