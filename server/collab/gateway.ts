/**
 * Server-side access to the live collaborative documents. REST routes and the repair pass read
 * and write the same Hocuspocus documents that websocket clients are connected to, so a REST write
 * reaches every open editor at once, and every write is durable before it is applied or answered
 * (SPEC D1, D2).
 *
 * Hocuspocus' DirectConnection is not used: it stores (compacts) after every transaction and,
 * with the Redis extension, waits a second per store. Compaction here is the debounced store.
 */
import type { Document, Hocuspocus } from '@hocuspocus/server';
import * as Y from 'yjs';
import { notFound } from '../errors';
import type { DurableLogExtension } from './extensions/durableLog';

/** Origin of server-side writes, so hooks can tell them from client messages. */
export const serverWriteOrigin = { source: 'cocode-server' } as const;

// Not "server": the Redis extension delays its after-store hook for that socket id.
const serverSocketId = 'cocode-gateway';

export class DocumentGateway {
  private readonly idleTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly hocuspocus: Hocuspocus,
    private readonly durableLog: DurableLogExtension,
    /** How long a document opened only by the server stays in memory after its last use. */
    private readonly idleUnloadMs = 5_000,
  ) {}

  async read<T>(documentName: string, reader: (doc: Y.Doc) => T | Promise<T>): Promise<T> {
    const document = await this.acquire(documentName);
    try {
      return await reader(document);
    } finally {
      this.release(document, false);
    }
  }

  /**
   * Runs `writer` against the document and applies its changes; resolves once they are durable.
   */
  async write<T>(documentName: string, writer: (doc: Y.Doc) => T): Promise<T> {
    const document = await this.acquire(documentName);
    let changed = false;
    const markChanged = () => {
      changed = true;
    };
    try {
      if (!this.durableLog.appendsBeforeApply) {
        // A synchronous log appends inside the update callback: writing the live document directly
        // is durable before anyone sees it. Writers validate before they change anything.
        document.on('update', markChanged);
        let result: T | undefined;
        document.transact(() => {
          result = writer(document);
        }, serverWriteOrigin);
        return result as T;
      }
      // An awaited log needs the update before it is applied: the writer works on a copy, and its
      // complete result is logged, then applied.
      const draft = new Y.Doc({ gc: false });
      Y.applyUpdate(draft, Y.encodeStateAsUpdate(document));
      const before = Y.encodeStateVector(draft);
      draft.on('update', markChanged);
      const result = writer(draft);
      const update = Y.encodeStateAsUpdate(draft, before);
      draft.destroy();
      if (changed) await this.durableLog.applyDurably(document, update, serverWriteOrigin);
      return result;
    } finally {
      document.off('update', markChanged);
      this.release(document, changed);
    }
  }

  private async acquire(documentName: string): Promise<Document> {
    // An erased document (SPEC E2) is neither loaded, read nor written: its deletion answers as not
    // found. Asked again after the load, with nothing awaited before the caller reads or writes.
    const erased = () => this.durableLog.erased.has(documentName);
    const deleted = () => notFound(`${documentName} was deleted`, 'deleted');
    if (erased()) throw deleted();
    clearTimeout(this.idleTimers.get(documentName));
    this.idleTimers.delete(documentName);
    let document: Document;
    try {
      document = await this.hocuspocus.createDocument(
        documentName,
        {},
        serverSocketId,
        { isAuthenticated: true, readOnly: false },
        { server: true },
      );
    } catch (error) {
      if (erased()) throw deleted();
      throw error;
    }
    if (erased()) {
      // Loaded just before the deletion: it leaves memory now, or when whoever else holds it lets go.
      this.unloadIfCurrent(document);
      throw deleted();
    }
    // Counted as a connection, so Hocuspocus does not unload the document while we use it.
    document.addDirectConnection();
    return document;
  }

  private release(document: Document, changed: boolean): void {
    document.removeDirectConnection();
    if (changed) {
      // Debounced compaction; Hocuspocus unloads the document afterwards when nobody is connected.
      this.hocuspocus
        .storeDocumentHooks(document, {
          clientsCount: document.getConnectionsCount(),
          context: { server: true },
          document,
          documentName: document.name,
          instance: this.hocuspocus,
          requestHeaders: {},
          requestParameters: new URLSearchParams(),
          socketId: serverSocketId,
        })
        .catch(() => {});
      return;
    }
    this.idleTimers.set(
      document.name,
      setTimeout(() => {
        this.idleTimers.delete(document.name);
        if (this.hocuspocus.shouldUnloadDocument(document)) this.unloadIfCurrent(document);
      }, this.idleUnloadMs),
    );
  }

  /**
   * Unloads `document` only while it is still the live copy of its name. By the time an idle timer
   * fires, this copy may have left memory another way and a newer one been loaded for an editor;
   * Hocuspocus unloads by name, so unloading the stale copy would drop the editor's from its map
   * and split the document in two: later REST writes and connections would load a third copy the
   * editor never hears of (SPEC D2).
   */
  private unloadIfCurrent(document: Document): void {
    if (this.hocuspocus.documents.get(document.name) === document) void this.hocuspocus.unloadDocument(document);
  }

  /** Cancels pending idle unloads (on shutdown). */
  stop(): void {
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
  }
}
