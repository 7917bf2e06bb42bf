/**
 * Refuses a websocket update that would take a document past a cap (SPEC H4–H6). The check runs in
 * `beforeHandleMessage`, the last point before Hocuspocus applies the update: a refused update is
 * never applied, so it is neither logged (D1) nor broadcast nor acknowledged. The sender's
 * connection to that document is closed with the limit's reason; its other documents stay open.
 * Read-only connections are skipped: Hocuspocus does not apply their updates anyway (A4).
 */
import type { afterLoadDocumentPayload, beforeHandleMessagePayload, Extension } from '@hocuspocus/server';
import * as Y from 'yjs';
import type { CloseEvent } from '../../../shared/collab/closeCodes';
import type { CollabContext } from '../context';
import { type IncomingUpdate, incomingUpdate } from '../incomingUpdates';
import type { Refusals } from '../refusals';
import { TrackedLimit } from '../trackedLimit';

export interface UpdateLimit {
  name: string;
  /** What the refused sender is told. */
  event: CloseEvent;
  max: number;
  unit: string;
  appliesTo(documentName: string): boolean;
  /** An upper bound of how much the update can add, computed from its decoded structs alone. */
  bound(incoming: IncomingUpdate): number;
  /** The exact quantity of `doc` with `updates` applied, computed on a copy. */
  measure(doc: Y.Doc, updates: Uint8Array[]): number;
}

/** A copy of `doc` with `updates` applied, for exact measurements that must not touch `doc`. */
export function copyWithUpdates(doc: Y.Doc, updates: Uint8Array[]): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  for (const update of updates) Y.applyUpdate(copy, update);
  return copy;
}

export class UpdateLimitExtension implements Extension {
  readonly extensionName: string;
  private readonly tracked: TrackedLimit;

  constructor(
    private readonly limit: UpdateLimit,
    private readonly refusals: Refusals,
  ) {
    this.extensionName = `cocode-limit-${limit.name}`;
    this.tracked = new TrackedLimit(limit.max, limit.measure);
  }

  async afterLoadDocument({ document, documentName }: afterLoadDocumentPayload): Promise<void> {
    if (this.limit.appliesTo(documentName)) this.tracked.watch(document);
  }

  async beforeHandleMessage({ connection, document, documentName, update, context }: beforeHandleMessagePayload): Promise<void> {
    if (connection.readOnly || !this.limit.appliesTo(documentName)) return;
    const incoming = incomingUpdate(update);
    if (!incoming) return;
    const { admitted, value } = this.tracked.admits(document, incoming.update, this.limit.bound(incoming));
    if (admitted) return;
    const user = (context as Partial<CollabContext>).user?.id ?? 'unknown user';
    this.refusals.record(
      this.limit.event,
      `update to ${documentName} by ${user} would make ${value} ${this.limit.unit} (max ${this.limit.max})`,
    );
    // Hocuspocus closes this document's connection with the thrown event's code and reason.
    throw this.limit.event;
  }
}
