/**
 * The authorized sockets of the y-websocket bridge (SPEC I1), one object created at wiring time and
 * handed to everything that must see both protocols: the connection cap counts them (H1), the
 * access re-check closes them or makes them read-only (A3). Hocuspocus cannot list them itself: a
 * bridge socket reaches its document through a direct connection, which Hocuspocus only counts.
 */
import type { CloseEvent } from '../../../shared/collab/closeCodes';
import type { CollabContext } from '../context';

/** A bridge socket as the gates and the access re-check see it; it matches a Hocuspocus connection. */
export interface BridgeSocket {
  readonly context: CollabContext;
  readonly documentName: string;
  readOnly: boolean;
  close(event: CloseEvent | { code: number; reason: string }): void;
}

export class BridgeSockets {
  private readonly authorized = new Set<BridgeSocket>();

  add(socket: BridgeSocket): void {
    this.authorized.add(socket);
  }

  delete(socket: BridgeSocket): void {
    this.authorized.delete(socket);
  }

  /** Whether `value` (an awareness origin, say) is one of the authorized sockets. */
  has(value: unknown): value is BridgeSocket {
    return this.authorized.has(value as BridgeSocket);
  }

  all(): BridgeSocket[] {
    return [...this.authorized];
  }

  countOn(documentName: string): number {
    let count = 0;
    for (const socket of this.authorized) if (socket.documentName === documentName) count += 1;
    return count;
  }
}
