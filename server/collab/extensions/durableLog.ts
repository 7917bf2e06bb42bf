/**
 * Persistence with a durable update log (SPEC D1–D4).
 *
 * Hocuspocus acknowledges and broadcasts an update as soon as it is applied in memory and stores
 * only after a debounce, so a crash would lose acknowledged edits. Every update therefore reaches
 * the durable log before it is broadcast or acknowledged:
 *
 * - with a synchronous log (SQLite) the append runs inside the document's own update callback,
 *   which runs before the broadcast loop and the acknowledgement, and which every write path goes
 *   through (sockets, server-side writes, the interop bridge);
 * - with an awaited log (PostgreSQL) the append is awaited in `beforeHandleMessage`, before
 *   Hocuspocus applies a client's message, and server-side writes go through {@link applyDurably}.
 *
 * The debounced store compacts the log into the snapshot; loading reads snapshot + log.
 *
 * Documents erased by a deletion (SPEC E2) are neither loaded, nor appended to, nor compacted
 * again in this process: a store debounced before the deletion or an update already on its way
 * would otherwise write them back.
 */
import type {
  afterLoadDocumentPayload,
  beforeHandleMessagePayload,
  Extension,
  onLoadDocumentPayload,
  onStoreDocumentPayload,
} from '@hocuspocus/server';
import * as Y from 'yjs';
import { closeCodes } from '../../../shared/collab/closeCodes';
import { parseDocumentName } from '../../../shared/collab/documentNames';
import type { DocumentLogStore } from '../../storage/types';
import { ErasedDocuments, type ErasureScope, inErasureScope } from '../erasedDocuments';
import { incomingUpdate } from '../incomingUpdates';
import { storedStateProblem } from '../storedDocumentCheck';

export interface QuarantinedUpdate {
  documentName: string;
  logId: number;
  error: string;
}

export interface BrokenDocument {
  documentName: string;
  problem: string;
}

/** Refuses an erased document; Hocuspocus closes the connection with the event's reason. */
const deletedError = (documentName: string) => Object.assign(new Error(`${documentName} was deleted`), closeCodes.documentDeleted);

export class DurableLogExtension implements Extension {
  extensionName = 'cocode-durable-log';
  /** Log entries that could not be applied on load: kept in the log, reported, skipped. */
  readonly quarantined: QuarantinedUpdate[] = [];
  /** Documents that failed validation on their last load (SPEC H9), by name. */
  readonly brokenDocuments = new Map<string, BrokenDocument>();
  /** Appends per document, chained so that the log order is the order of arrival. */
  private readonly appendChains = new Map<string, Promise<unknown>>();
  /** Documents erased in this process, which nothing may write again. */
  readonly erased = new ErasedDocuments();

  constructor(
    private readonly log: DocumentLogStore,
    private readonly report: (message: string) => void,
  ) {}

  async onLoadDocument({ document, documentName }: onLoadDocumentPayload): Promise<void> {
    if (this.erased.has(documentName)) throw deletedError(documentName);
    const { snapshot, updates } = await this.log.loadDocument(documentName);
    this.brokenDocuments.delete(documentName);
    if (snapshot) {
      try {
        Y.applyUpdate(document, snapshot);
      } catch (error) {
        // Opening it from the log alone would show an empty or partial document and invite
        // clients to fill it in; it stays closed instead, with every stored byte kept.
        this.markBroken(documentName, `the snapshot cannot be decoded: ${String(error)}`);
        throw Object.assign(new Error(`broken document ${documentName}`), closeCodes.brokenDocument);
      }
    }
    for (const update of updates) {
      try {
        Y.applyUpdate(document, update.data);
      } catch (error) {
        // One undecodable row must not brick the whole document; keep it for inspection.
        if (this.quarantined.some((entry) => entry.documentName === documentName && entry.logId === update.id)) continue;
        this.quarantined.push({ documentName, logId: update.id, error: String(error) });
        this.report(`quarantined log entry ${update.id} of ${documentName}: ${String(error)}`);
      }
    }
    const problem = storedStateProblem(document, documentName);
    if (problem) this.markBroken(documentName, problem);
  }

  /**
   * Whether compaction must leave this document's stored snapshot and log as they are: a broken
   * document or one with quarantined rows would lose its last good snapshot or those rows (D4, H9),
   * and an erased one would be written back (E2). New updates are still appended, except to erased documents.
   */
  keepsStoredState(documentName: string): boolean {
    return (
      this.brokenDocuments.has(documentName) ||
      this.quarantined.some((entry) => entry.documentName === documentName) ||
      this.erased.has(documentName)
    );
  }

  /**
   * Marks the scope's documents erased, so nothing of them is loaded, logged or compacted from now
   * on, and resolves once the appends already on their way have finished: whatever they wrote is
   * then in the log for the erase to remove.
   */
  async stopWriting(scope: ErasureScope): Promise<void> {
    this.erased.add(scope);
    const pending = [...this.appendChains].filter(([name]) => inErasureScope(scope, parseDocumentName(name))).map(([, chain]) => chain);
    await Promise.allSettled(pending);
  }

  private markBroken(documentName: string, problem: string): void {
    this.brokenDocuments.set(documentName, { documentName, problem });
    this.report(`broken document ${documentName}: ${problem}; its stored state is kept as it is`);
  }

  async afterLoadDocument({ document, documentName }: afterLoadDocumentPayload): Promise<void> {
    const log = this.log;
    if (log.kind !== 'sync') return;
    // Installed after Hocuspocus has set its own callback (between onLoadDocument and this hook)
    // and before any client message is handled, so the replay above is not logged again.
    const next = document.callbacks.onUpdate;
    document.onUpdate((doc, connection, update) => {
      try {
        // An update racing a deletion lands in a document about to be unloaded, never in the log.
        if (!this.erased.has(documentName)) log.appendUpdate(documentName, update);
      } catch (error) {
        // Fail-stop: Hocuspocus swallows errors thrown here and would still acknowledge the
        // update, which would then exist only in memory. Crashing is the only honest answer.
        console.error(`FATAL: could not append an update of ${documentName} to the durable log:`, error);
        process.abort();
      }
      next(doc, connection, update);
    });
  }

  async beforeHandleMessage({ connection, documentName, update: message }: beforeHandleMessagePayload): Promise<void> {
    if (this.erased.has(documentName)) throw deletedError(documentName);
    if (this.log.kind !== 'awaited' || connection.readOnly) return;
    // Frames that do not decode were refused by the validation extension, which runs before this.
    const incoming = incomingUpdate(message);
    // An empty update ([0, 0]: no structs, no deletions) changes nothing and needs no log row.
    if (!incoming || (incoming.update.length === 2 && incoming.update[0] === 0 && incoming.update[1] === 0)) return;
    // If the append fails, this hook rejects: Hocuspocus closes the connection without applying
    // the message, and the client resends it after reconnecting (fail closed).
    await this.append(documentName, incoming.update);
  }

  /** Applies an update produced on the server (REST, repair, interop) only once it is durable. */
  async applyDurably(document: Y.Doc & { name: string }, update: Uint8Array, origin: unknown): Promise<void> {
    if (this.erased.has(document.name)) throw deletedError(document.name);
    if (this.log.kind === 'awaited') await this.append(document.name, update);
    Y.applyUpdate(document, update, origin);
  }

  get appendsBeforeApply(): boolean {
    return this.log.kind === 'awaited';
  }

  private append(documentName: string, update: Uint8Array): Promise<unknown> {
    const log = this.log;
    const previous = this.appendChains.get(documentName) ?? Promise.resolve();
    const appended = previous.catch(() => {}).then(() => log.appendUpdate(documentName, update));
    this.appendChains.set(documentName, appended);
    appended.finally(() => {
      if (this.appendChains.get(documentName) === appended) this.appendChains.delete(documentName);
    }).catch(() => {});
    return appended;
  }

  async onStoreDocument({ document, documentName }: onStoreDocumentPayload): Promise<void> {
    if (this.keepsStoredState(documentName)) return;
    await this.log.compact(documentName, document);
  }
}
