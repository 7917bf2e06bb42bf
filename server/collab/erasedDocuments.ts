/**
 * Which collaborative documents this process has erased (SPEC E2). A deleted transcript's or
 * project's documents must not come back while the process runs: not loaded again (by a late
 * connection or a server-side read), not appended to the durable log, not compacted into a
 * snapshot by a store that was debounced before the deletion. After a restart their records are
 * gone, so nothing asks for them.
 */
import { type CollabDocumentName, parseDocumentName } from '../../shared/collab/documentNames';

/** What one deletion erases: every document of these transcripts, and these projects' codebooks. */
export interface ErasureScope {
  documentIds: readonly string[];
  projectIds: readonly string[];
}

/** Whether a document belongs to what the scope erases: a transcript of it, its layers and consensus, or a codebook. */
export function inErasureScope(scope: ErasureScope, name: CollabDocumentName | null): boolean {
  if (!name) return false;
  return name.kind === 'codebook' ? scope.projectIds.includes(name.projectId) : scope.documentIds.includes(name.documentId);
}

export class ErasedDocuments {
  private readonly documentIds = new Set<string>();
  private readonly projectIds = new Set<string>();

  add(scope: ErasureScope): void {
    for (const id of scope.documentIds) this.documentIds.add(id);
    for (const id of scope.projectIds) this.projectIds.add(id);
  }

  /** Whether the named document was erased; asked on every logged update, so it parses nothing until something was erased. */
  has(documentName: string): boolean {
    if (this.documentIds.size === 0 && this.projectIds.size === 0) return false;
    const name = parseDocumentName(documentName);
    if (!name) return false;
    return name.kind === 'codebook' ? this.projectIds.has(name.projectId) : this.documentIds.has(name.documentId);
  }
}
