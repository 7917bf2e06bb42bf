/**
 * The code ids of each project's codebook, for judging websocket-written codings (SPEC K2) without
 * reading the codebook document for every keystroke: read once through the document gateway, kept
 * until the codebook changes (the coding validation extension forgets a project on every change
 * of its codebook document, whichever path wrote it), and read again before a code id is refused.
 */
import type * as Y from 'yjs';
import { documentNames } from '../../shared/collab/documentNames';
import { readCodes, ydocKeys } from '../../shared/collab/schema';
import type { DocumentGateway } from './gateway';

export interface CodebookCodeIds {
  /** Codes of the codebook now. */
  live: ReadonlySet<string>;
  /**
   * Codes that were in the codebook and were deleted or merged away. Yjs keeps a deleted map key's
   * item (its content collected), so the codebook document still knows them after a restart.
   */
  deleted: ReadonlySet<string>;
}

function codeIdsOf(codebook: Y.Doc): CodebookCodeIds {
  const live = new Set(readCodes(codebook).map((code) => code.id));
  const deleted = new Set<string>();
  // `_map` holds the last item of every key ever set, deleted ones included; Y.Map's public API
  // shows only the live keys.
  for (const [id, item] of codebook.getMap(ydocKeys.codebookCodes)._map) if (item.deleted && !live.has(id)) deleted.add(id);
  return { live, deleted };
}

export class ProjectCodebooks {
  private gateway: DocumentGateway | null = null;
  private readonly cached = new Map<string, Promise<CodebookCodeIds>>();

  /** The gateway needs the Hocuspocus instance, which is created after the extensions using this. */
  attach(gateway: DocumentGateway): void {
    this.gateway = gateway;
  }

  /** The project's code ids; `fresh` reads the codebook again instead of using what is kept. */
  codeIds(projectId: string, { fresh = false } = {}): Promise<CodebookCodeIds> {
    const kept = this.cached.get(projectId);
    if (kept && !fresh) return kept;
    const gateway = this.gateway;
    if (!gateway) return Promise.reject(new Error('the project codebooks are not attached to the document gateway yet'));
    const reading = gateway.read(documentNames.codebook(projectId), codeIdsOf);
    this.cached.set(projectId, reading);
    // A failed read is not kept: the next frame tries again.
    reading.catch(() => {
      if (this.cached.get(projectId) === reading) this.cached.delete(projectId);
    });
    return reading;
  }

  /** The codebook changed: the next question reads it again. */
  forget(projectId: string): void {
    this.cached.delete(projectId);
  }
}
