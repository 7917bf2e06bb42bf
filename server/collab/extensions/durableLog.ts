/**
 * Persistence with a durable update log (SPEC D1–D3).
 *
 * Hocuspocus acknowledges and broadcasts an update as soon as it is applied in memory and stores
 * only after a debounce, so a crash would lose acknowledged edits. Here every update is appended
 * to the log synchronously inside the document's own update callback, which runs before the
 * broadcast loop and before the acknowledgement, and which every write path goes through
 * (Hocuspocus sockets, direct connections used by REST and repair, the y-websocket bridge).
 * The debounced store compacts the log into a snapshot; loading reads snapshot + log.
 */
import type {
  afterLoadDocumentPayload,
  Extension,
  onLoadDocumentPayload,
  onStoreDocumentPayload,
} from '@hocuspocus/server';
import * as Y from 'yjs';
import type { DocumentLogStore } from '../../storage/types';

export interface QuarantinedUpdate {
  documentName: string;
  logId: number;
  error: string;
}

export class DurableLogExtension implements Extension {
  extensionName = 'cocode-durable-log';
  /** Log entries that could not be applied on load: kept in the log, reported, skipped. */
  readonly quarantined: QuarantinedUpdate[] = [];

  constructor(
    private readonly store: DocumentLogStore,
    private readonly log: (message: string) => void,
  ) {}

  async onLoadDocument({ document, documentName }: onLoadDocumentPayload): Promise<void> {
    const { snapshot, updates } = this.store.loadDocument(documentName);
    if (snapshot) Y.applyUpdate(document, snapshot);
    for (const update of updates) {
      try {
        Y.applyUpdate(document, update.data);
      } catch (error) {
        // One undecodable row must not brick the whole document; keep it for inspection.
        this.quarantined.push({ documentName, logId: update.id, error: String(error) });
        this.log(`quarantined log entry ${update.id} of ${documentName}: ${String(error)}`);
      }
    }
  }

  async afterLoadDocument({ document, documentName }: afterLoadDocumentPayload): Promise<void> {
    // Installed after Hocuspocus has set its own callback (between onLoadDocument and this hook)
    // and before any client message is handled, so the replay above is not logged again.
    const next = document.callbacks.onUpdate;
    document.onUpdate((doc, connection, update) => {
      try {
        this.store.appendUpdate(documentName, update);
      } catch (error) {
        // Fail-stop: Hocuspocus swallows errors thrown here and would still acknowledge the
        // update, which would then exist only in memory. Crashing is the only honest answer.
        console.error(`FATAL: could not append an update of ${documentName} to the durable log:`, error);
        process.abort();
      }
      next(doc, connection, update);
    });
  }

  async onStoreDocument({ document, documentName }: onStoreDocumentPayload): Promise<void> {
    // One synchronous transaction: no update can be applied (and logged) between reading the
    // highest log id and encoding the state, so deleting rows up to that id never loses one.
    const upToId = this.store.lastUpdateId(documentName);
    if (upToId === 0) return;
    this.store.compact(documentName, Y.encodeStateAsUpdate(document), upToId);
  }
}
