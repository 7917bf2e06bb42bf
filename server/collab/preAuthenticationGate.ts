/**
 * Socket-level caps that act before Hocuspocus sees a frame (SPEC H1–H3).
 *
 * Hocuspocus 3.4.4 queues every frame for a document that has not authenticated yet, without a
 * cap, and its only timer is the ping interval, which any traffic satisfies. So one unauthenticated
 * socket could fill the server's memory or sit open forever. The gate sees each frame first (it
 * filters what the socket emits, the one place that runs before Hocuspocus's own listener) and:
 * - refuses a frame whose header (document name, message type, and the token of an
 *   authentication message) cannot be read (4400), so Hocuspocus never parses one;
 * - counts frames and bytes for documents not authenticated on this socket — before the first
 *   authentication that is everything — and closes the socket beyond `preAuthMaxMessages` (4429)
 *   or `preAuthMaxBytes` (4430). A document's count is released when it authenticates and starts
 *   again when its connection closes, because Hocuspocus queues that document's frames once more;
 * - closes a socket that has not authenticated any document `preAuthDeadlineMs` after it opened
 *   (4408), however much it sends.
 */
import type { IncomingMessage } from 'node:http';
import { type Extension, MessageType, type onAuthenticatePayload, type onDisconnectPayload } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import type { WebSocket } from 'ws';
import { type CloseEvent, closeCodes } from '../../shared/collab/closeCodes';
import type { Limits } from '../config';
import { readVarText } from './frameReading';
import type { Refusals } from './refusals';

type PreAuthLimits = Pick<Limits, 'preAuthMaxMessages' | 'preAuthMaxBytes' | 'preAuthDeadlineMs'>;

interface Outstanding {
  messages: number;
  bytes: number;
}

/**
 * Frames and bytes a socket sent for documents it has not authenticated, against
 * `preAuthMaxMessages` and `preAuthMaxBytes` (SPEC H2). Both protocols count with it: the gate
 * below for /collab, the y-websocket bridge for the frames queued while its document opens.
 */
export class PendingFrames {
  private readonly total: Outstanding = { messages: 0, bytes: 0 };

  constructor(private readonly limits: Pick<Limits, 'preAuthMaxMessages' | 'preAuthMaxBytes'>) {}

  /** Counts one more frame; the refusal and what passed the cap when it is over. */
  add(bytes: number): { event: CloseEvent; detail: string } | null {
    this.total.messages += 1;
    this.total.bytes += bytes;
    if (this.total.messages > this.limits.preAuthMaxMessages)
      return { event: closeCodes.tooManyMessagesBeforeAuthentication, detail: `${this.total.messages} frames for unauthenticated documents` };
    if (this.total.bytes > this.limits.preAuthMaxBytes)
      return { event: closeCodes.tooMuchDataBeforeAuthentication, detail: `${this.total.bytes} bytes for unauthenticated documents` };
    return null;
  }

  /** Forgets frames that no longer wait (their document authenticated). */
  release(count: Outstanding): void {
    this.total.messages -= count.messages;
    this.total.bytes -= count.bytes;
  }
}

/** Reads a frame's document name; throws when the header is not a readable Hocuspocus header. */
function documentNameOf(frame: Uint8Array): string {
  const decoder = decoding.createDecoder(frame);
  const documentName = readVarText(decoder);
  if (decoding.readVarUint(decoder) === MessageType.Auth) {
    decoding.readVarUint(decoder);
    readVarText(decoder);
  }
  return documentName;
}

class SocketGate {
  private readonly authenticated = new Set<string>();
  /** Frames and bytes sent for each document that is not authenticated on this socket. */
  private readonly outstanding = new Map<string, Outstanding>();
  private readonly pending: PendingFrames;
  private readonly deadline: NodeJS.Timeout;
  private refused = false;

  constructor(
    private readonly socket: WebSocket,
    limits: PreAuthLimits,
    private readonly refusals: Refusals,
    private readonly peer: string,
  ) {
    this.pending = new PendingFrames(limits);
    this.deadline = setTimeout(() => this.refuse(closeCodes.authenticationTimeout, 'no authentication in time'), limits.preAuthDeadlineMs);
    socket.once('close', () => clearTimeout(this.deadline));
  }

  /** Whether Hocuspocus may see this frame. */
  admit(data: unknown): boolean {
    if (this.refused) return false;
    const frame = data instanceof Uint8Array ? data : null;
    let documentName: string;
    try {
      if (!frame) throw new Error('not a single binary frame');
      documentName = documentNameOf(frame);
    } catch (error) {
      this.refuse(closeCodes.malformedMessage, `unreadable frame header: ${String(error)}`);
      return false;
    }
    if (this.authenticated.has(documentName)) return true;
    const count = this.outstanding.get(documentName) ?? { messages: 0, bytes: 0 };
    this.outstanding.set(documentName, count);
    count.messages += 1;
    count.bytes += frame.byteLength;
    const excess = this.pending.add(frame.byteLength);
    if (excess) {
      this.refuse(excess.event, excess.detail);
      return false;
    }
    return true;
  }

  documentAuthenticated(documentName: string): void {
    clearTimeout(this.deadline);
    this.authenticated.add(documentName);
    this.release(documentName);
  }

  documentClosed(documentName: string): void {
    this.authenticated.delete(documentName);
  }

  private release(documentName: string): void {
    const count = this.outstanding.get(documentName);
    if (!count) return;
    this.pending.release(count);
    this.outstanding.delete(documentName);
  }

  private refuse(event: CloseEvent, detail: string): void {
    if (this.refused) return;
    this.refused = true;
    this.refusals.record(event, `socket from ${this.peer}: ${detail}`);
    this.socket.close(event.code, event.reason);
  }
}

export class PreAuthenticationGate {
  private readonly byRequest = new WeakMap<IncomingMessage, SocketGate>();
  /** Hocuspocus names a socket by its socketId in later hooks; filled at authentication. */
  private readonly bySocketId = new Map<string, SocketGate>();

  constructor(
    private readonly limits: PreAuthLimits,
    private readonly refusals: Refusals,
  ) {}

  /** Call for every new collaboration socket before handing it to Hocuspocus. */
  guard(socket: WebSocket, request: IncomingMessage): void {
    const gate = new SocketGate(socket, this.limits, this.refusals, request.socket.remoteAddress ?? 'unknown');
    this.byRequest.set(request, gate);
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'message' && !gate.admit(args[0])) return false;
      return emit(event, ...args);
    }) as typeof socket.emit;
  }

  /**
   * Tells the gate which documents authenticated. Place it after every extension whose
   * onAuthenticate may refuse, so only a connection that will be established counts.
   */
  readonly extension: Extension = {
    extensionName: 'cocode-pre-authentication-gate',
    onAuthenticate: async ({ request, socketId, documentName }: onAuthenticatePayload) => {
      const gate = this.byRequest.get(request);
      if (!gate) return;
      if (!this.bySocketId.has(socketId)) {
        this.bySocketId.set(socketId, gate);
        request.socket.once('close', () => this.bySocketId.delete(socketId));
      }
      gate.documentAuthenticated(documentName);
    },
    onDisconnect: async ({ socketId, documentName }: onDisconnectPayload) => {
      this.bySocketId.get(socketId)?.documentClosed(documentName);
    },
  };
}
