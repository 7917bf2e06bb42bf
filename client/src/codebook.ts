/** Codebook helpers shared by the picker, the legend and the codebook screen. */
import type { Code } from '../../shared/collab/schema';

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

/** Colours offered for new codes: distinct, readable as tints and as underlines. */
export const codePalette = ['#2e7d32', '#c62828', '#1565c0', '#6a1b9a', '#ef6c00', '#00838f', '#ad1457', '#5d4037', '#455a64', '#9e9d24'];
