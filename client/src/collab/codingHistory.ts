/**
 * Undo and redo of this person's own coding actions (apply, remove, memo edit, code change, boundary adjustment).
 *
 * One Y.UndoManager per layer the person writes (their own layer, and the consensus for owners
 * and adjudicators). Each tracks only {@link codingActionOrigin}, the origin the coding model
 * writes with, so changes arriving from the server (other coders, REST writes, the anchor repair
 * pass) and from the offline store are never undone. A shared order of layer ids makes undo
 * chronological across layers: Ctrl+Z undoes the latest action, whichever layer it went to.
 */
import * as Y from 'yjs';
import { ydocKeys } from '../../../shared/collab/schema';

/** Transaction origin of every coding action this person makes in the coding view. */
export const codingActionOrigin = { source: 'cocode-coding-action' } as const;

const labelKey = 'label';

export interface HistoryState {
  undoLabel: string | null;
  redoLabel: string | null;
}

export class CodingHistory {
  private readonly managers = new Map<string, Y.UndoManager>();
  /** Layer ids of undoable actions, oldest first (each layer's manager holds the changes). */
  private undoOrder: string[] = [];
  private redoOrder: string[] = [];
  /** Describes the action being written, so its stack item can name it in the undo button. */
  private pendingLabel = '';
  private readonly listeners = new Set<() => void>();
  private snapshot: HistoryState = { undoLabel: null, redoLabel: null };

  track(layerId: string, doc: Y.Doc): void {
    const manager = new Y.UndoManager(doc.getMap(ydocKeys.layerCodings), {
      trackedOrigins: new Set([codingActionOrigin]),
      // Every action is its own step, however quickly the next one follows.
      captureTimeout: 0,
    });
    manager.on('stack-item-added', ({ stackItem, type }) => {
      if (type === 'undo' && !manager.undoing && !manager.redoing) {
        stackItem.meta.set(labelKey, this.pendingLabel);
        this.undoOrder.push(layerId);
        // A new action ends the redo chain in every layer, not only the one it went to.
        this.redoOrder = [];
        for (const [otherId, other] of this.managers) if (otherId !== layerId) other.clear(false, true);
      } else {
        // The reverse of an undo or redo keeps the name of the action it reverses.
        stackItem.meta.set(labelKey, manager.currStackItem?.meta.get(labelKey) ?? '');
      }
      this.changed();
    });
    manager.on('stack-item-popped', () => this.changed());
    manager.on('stack-cleared', () => this.changed());
    this.managers.set(layerId, manager);
  }

  /** Writes one coding action into a layer doc under the tracked origin. */
  record(layerId: string, doc: Y.Doc, label: string, write: () => void): void {
    this.pendingLabel = this.managers.has(layerId) ? label : '';
    doc.transact(write, codingActionOrigin);
  }

  /** Undoes the latest own action still undoable; returns its label, or null when there is none. */
  undo(): string | null {
    return this.step(this.undoOrder, this.redoOrder, (manager) => manager.undo());
  }

  redo(): string | null {
    return this.step(this.redoOrder, this.undoOrder, (manager) => manager.redo());
  }

  private step(from: string[], to: string[], run: (manager: Y.UndoManager) => { meta: Map<unknown, unknown> } | null): string | null {
    while (from.length > 0) {
      const layerId = from.pop() as string;
      const manager = this.managers.get(layerId);
      // A step whose changes others already overwrote has no effect: Yjs skips it, so do we.
      const item = manager ? run(manager) : null;
      if (!item) continue;
      to.push(layerId);
      this.changed();
      return String(item.meta.get(labelKey) ?? '');
    }
    this.changed();
    return null;
  }

  state(): HistoryState {
    return this.snapshot;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    const next: HistoryState = { undoLabel: this.nextLabel(this.undoOrder, 'undoStack'), redoLabel: this.nextLabel(this.redoOrder, 'redoStack') };
    if (next.undoLabel === this.snapshot.undoLabel && next.redoLabel === this.snapshot.redoLabel) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }

  private nextLabel(order: string[], stack: 'undoStack' | 'redoStack'): string | null {
    const layerId = order.at(-1);
    const items = layerId === undefined ? undefined : this.managers.get(layerId)?.[stack];
    const item = items?.at(-1);
    return item ? String(item.meta.get(labelKey) ?? '') : null;
  }

  destroy(): void {
    for (const manager of this.managers.values()) manager.destroy();
    this.managers.clear();
    this.listeners.clear();
  }
}
