/**
 * Plain Yjs interop (SPEC I1): the standard y-websocket protocol (sync + awareness, one document per
 * socket) at `/yjs/<document name>?token=…`, beside the Hocuspocus protocol at `/collab`.
 *
 * A bridge socket works on the same live Hocuspocus `Document` that Hocuspocus clients edit, held
 * open through a direct connection, so its updates go through the durable log before anyone sees
 * them (SPEC D1) and reach the clients of both protocols. `openDirectConnection` skips Hocuspocus'
 * authentication, so the bridge passes every socket through the same gates as /collab before
 * anything is loaded: the authorization decision and the connection cap of {@link DocumentGate}
 * (SPEC A1–A4, H1) and the pre-authentication caps of {@link PendingFrames} (H2); every frame then
 * runs Hocuspocus' own `beforeHandleMessage` extensions (H4–H7, K1–K4). Its refusals are recorded in
 * the same `Refusals` (H8).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { beforeHandleMessagePayload, Document, Hocuspocus } from '@hocuspocus/server';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { RawData, WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { type CloseEvent, closeCodes, closeEventForReason } from '../../../shared/collab/closeCodes';
import { documentNames } from '../../../shared/collab/documentNames';
import type { Limits } from '../../config';
import type { CollabContext } from '../context';
import type { DocumentGate } from '../documentGate';
import { PendingFrames } from '../preAuthenticationGate';
import type { Refusals } from '../refusals';
import type { BridgeSocket, BridgeSockets } from './bridgeSockets';

/**
 * The first varUint of every y-websocket frame. Hocuspocus uses the same numbers for the same
 * messages after its document name, which is how bridge frames pass its extensions' checks.
 */
const messageSync = 0;
const messageAwareness = 1;
const messageQueryAwareness = 3;

export const yjsBridgePathPrefix = '/yjs/';

/** Peers that stop answering pings are dropped, so their direct connections release the document. */
const heartbeatIntervalMs = 30_000;

/** The server failed (storage, loading), not the client: y-websocket reconnects on this code. */
const internalError = { code: 1011, reason: 'Internal Error' } as const;

type CloseCode = CloseEvent | typeof internalError;

type DirectConnection = Awaited<ReturnType<Hocuspocus['openDirectConnection']>>;

export interface YjsBridgeOptions {
  hocuspocus: Hocuspocus;
  /** The authorization decision and connection cap /collab uses. */
  gate: DocumentGate;
  refusals: Refusals;
  /** Where the bridge lists its authorized sockets, for the connection cap and the access re-check. */
  sockets: BridgeSockets;
  limits: Limits;
  log: (message: string) => void;
}

function encodeMessage(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * A private copy of a frame. lib0 decodes length-prefixed fields as views into the underlying
 * buffer, and ws frames can be slices of a larger pooled buffer, so a lying length prefix must hit
 * the end of this copy instead of reading a neighbour's bytes.
 */
function frameBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  return new Uint8Array(data instanceof ArrayBuffer ? data.slice(0) : data);
}

/** The document name in `/yjs/<name>`. y-websocket does not encode the room; other clients may. */
function documentNameFromPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname.slice(yjsBridgePathPrefix.length));
  } catch {
    return null;
  }
}

function allAwarenessStates(document: Document): Uint8Array {
  return encodeMessage((encoder) => {
    encoding.writeVarUint(encoder, messageAwareness);
    encoding.writeVarUint8Array(
      encoder,
      awarenessProtocol.encodeAwarenessUpdate(document.awareness, [...document.awareness.getStates().keys()]),
    );
  });
}

/** The close event an extension refused a frame or a load with (it throws the event itself). */
function refusalOf(error: unknown): CloseEvent | null {
  const reason = (error as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? closeEventForReason(reason) : null;
}

/** A bridge frame as Hocuspocus would have received it: the document name, then the same message. */
function asHocuspocusFrame(documentName: string, frame: Uint8Array): Uint8Array {
  return encodeMessage((encoder) => {
    encoding.writeVarString(encoder, documentName);
    encoding.writeUint8Array(encoder, frame);
  });
}

class MalformedMessage extends Error {}

/** Fans the updates of one live document out to its bridge sockets (Hocuspocus serves its own). */
class DocumentFanout {
  readonly connections = new Set<BridgeConnection>();

  constructor(readonly document: Document) {
    // Registered after the Document's own listener, so they run after the durable append.
    document.on('update', this.forwardUpdate);
    document.awareness.on('update', this.forwardAwareness);
  }

  detach(): void {
    this.document.off('update', this.forwardUpdate);
    this.document.awareness.off('update', this.forwardAwareness);
  }

  private readonly forwardUpdate = (update: Uint8Array, origin: unknown): void => {
    const message = encodeMessage((encoder) => {
      encoding.writeVarUint(encoder, messageSync);
      syncProtocol.writeUpdate(encoder, update);
    });
    // The sender already has its own update.
    for (const connection of this.connections) if (connection !== origin) connection.send(message);
  };

  private readonly forwardAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin instanceof BridgeConnection) {
      // Track `updated` too: a client id can be removed and then updated again (y-websocket relays
      // awareness between providers of one process), and it must still be cleaned up on close.
      for (const clientId of [...added, ...updated]) origin.awarenessClients.add(clientId);
      for (const clientId of removed) origin.awarenessClients.delete(clientId);
    }
    const message = encodeMessage((encoder) => {
      encoding.writeVarUint(encoder, messageAwareness);
      encoding.writeVarUint8Array(
        encoder,
        awarenessProtocol.encodeAwarenessUpdate(this.document.awareness, [...added, ...updated, ...removed]),
      );
    });
    // The sender gets its own awareness back like from a y-websocket server: a client that hears
    // nothing for 30 s assumes the connection is dead, and this echo is what it hears when alone.
    for (const connection of this.connections) connection.send(message);
  };
}

/**
 * One bridge socket on one document. It is also the transaction origin of the updates it applies:
 * Hocuspocus' hooks read `context`, `socketId` and `request` from the origin.
 */
class BridgeConnection implements BridgeSocket {
  readonly socketId = randomUUID();
  /** Awareness client ids this socket published; their states are removed when it closes. */
  readonly awarenessClients = new Set<number>();
  /** Resolves once the socket closed and the document was released. */
  readonly finished: Promise<void>;
  private authorizedContext: CollabContext | null = null;
  private direct: DirectConnection | null = null;
  private fanout: DocumentFanout | null = null;
  /** Every frame is handled after the previous one, and all of them after the document opened. */
  private queue: Promise<void>;
  /** Frames wait in memory until authorization and loading finish; this bounds that memory. */
  private readonly framesBeforeOpen: PendingFrames;
  private closing = false;
  private answeredPing = true;

  constructor(
    readonly socket: WebSocket,
    readonly request: IncomingMessage,
    private readonly bridge: YjsBridge,
  ) {
    socket.on('pong', () => {
      this.answeredPing = true;
    });
    this.framesBeforeOpen = new PendingFrames(bridge.limits);
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.queue = this.open();
    this.finished = new Promise((resolve) => socket.once('close', () => resolve(this.release())));
  }

  get context(): CollabContext {
    if (!this.authorizedContext) throw new Error('bridge connection is not authorized yet');
    return this.authorizedContext;
  }

  get readOnly(): boolean {
    return this.context.readOnly;
  }

  set readOnly(readOnly: boolean) {
    this.context.readOnly = readOnly;
  }

  send(message: Uint8Array): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(message);
  }

  close({ code, reason }: CloseCode): void {
    this.closing = true;
    this.bridge.sockets.delete(this);
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  /** Called by the heartbeat: drops the socket when the previous ping went unanswered. */
  checkAlive(): void {
    if (!this.answeredPing) {
      this.socket.terminate();
      return;
    }
    this.answeredPing = false;
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (this.closing) return;
    if (!isBinary) {
      this.refuse(closeCodes.malformedMessage, 'a text frame');
      return;
    }
    const frame = frameBytes(data);
    if (!this.fanout) {
      const excess = this.framesBeforeOpen.add(frame.byteLength);
      if (excess) {
        this.refuse(excess.event, excess.detail);
        return;
      }
    }
    this.queue = this.queue.then(() => this.handleFrame(frame));
  }

  /** Closes the socket for input the bridge refuses itself, counted like every refusal (SPEC H8). */
  private refuse(event: CloseEvent, detail: string): void {
    const on = this.documentName || this.request.url || 'an unopened document';
    this.bridge.refusals.record(event, `yjs bridge socket on ${on} from ${this.peer}: ${detail}`);
    this.close(event);
  }

  private get peer(): string {
    return this.authorizedContext?.user.id ?? this.request.socket.remoteAddress ?? 'unknown';
  }

  private async open(): Promise<void> {
    try {
      const url = new URL(this.request.url ?? '/', 'http://localhost');
      const decision = await this.bridge.gate.authorize({
        token: url.searchParams.get('token') || null,
        headers: this.request.headers,
        // A name that is not even percent-decodable is refused as no cocode document name.
        documentName: documentNameFromPath(url.pathname) ?? '',
        peer: this.request.socket.remoteAddress ?? 'unknown',
      });
      if ('refusal' in decision) {
        this.close(decision.refusal.event);
        return;
      }
      if (this.closing) return;
      const context = decision.context;
      const documentName = documentNames.format(context.name);
      const tooMany = this.bridge.gate.admitConnection(this.bridge.hocuspocus, documentName, context.user.id);
      if (tooMany) {
        this.close(tooMany);
        return;
      }
      this.authorizedContext = context;
      // Listed at once, so that concurrent openers count it (no I/O wait since the cap check).
      this.bridge.sockets.add(this);
      this.direct = await this.bridge.hocuspocus.openDirectConnection(documentName, context);
      const document = this.direct.document;
      // A socket that closed while the document loaded is released by `release`.
      if (this.closing || !document) return;
      this.fanout = this.bridge.join(document, this);
      this.send(
        encodeMessage((encoder) => {
          encoding.writeVarUint(encoder, messageSync);
          syncProtocol.writeSyncStep1(encoder, document);
        }),
      );
      if (document.awareness.getStates().size > 0) this.send(allAwarenessStates(document));
    } catch (error) {
      // A stored document that fails validation on load is refused with its own code (SPEC H9).
      this.bridge.log(`yjs bridge could not open ${this.request.url}: ${String(error)}`);
      this.close(refusalOf(error) ?? internalError);
    }
  }

  get documentName(): string {
    return this.authorizedContext ? documentNames.format(this.authorizedContext.name) : '';
  }

  private async handleFrame(frame: Uint8Array): Promise<void> {
    const document = this.fanout?.document;
    if (this.closing || !document) return;
    try {
      const decoder = decoding.createDecoder(frame);
      const messageType = decoding.readVarUint(decoder);
      if (messageType !== messageSync && messageType !== messageAwareness && messageType !== messageQueryAwareness) {
        throw new MalformedMessage(`unknown message type ${messageType}`);
      }
      // Every frame passes the extensions' per-message checks exactly like a Hocuspocus frame:
      // update validation and limits (SPEC H4–H7) and, with an awaited log, the durable append (D1).
      // A refusal throws the close event this socket is closed with.
      await this.bridge.hocuspocus.hooks('beforeHandleMessage', this.messagePayload(document, frame));
      if (messageType === messageSync) {
        this.handleSync(document, decoder);
      } else if (messageType === messageAwareness) {
        awarenessProtocol.applyAwarenessUpdate(document.awareness, decoding.readVarUint8Array(decoder), this);
      } else {
        this.send(allAwarenessStates(document));
      }
    } catch (error) {
      const refusal = refusalOf(error);
      // The extension that refused has recorded its refusal; what the bridge could not read is its own.
      if (refusal) this.close(refusal);
      else this.refuse(closeCodes.malformedMessage, String(error));
    }
  }

  private messagePayload(document: Document, frame: Uint8Array): beforeHandleMessagePayload {
    return {
      instance: this.bridge.hocuspocus,
      clientsCount: document.getConnectionsCount(),
      context: this.context,
      document,
      documentName: document.name,
      requestHeaders: this.request.headers,
      requestParameters: new URL(this.request.url ?? '/', 'http://localhost').searchParams,
      update: asHocuspocusFrame(document.name, frame),
      socketId: this.socketId,
      // The extensions read `readOnly` of the connection, which a bridge socket keeps the same way.
      connection: this as unknown as beforeHandleMessagePayload['connection'],
    };
  }

  private handleSync(document: Document, decoder: decoding.Decoder): void {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      this.send(
        encodeMessage((encoder) => {
          encoding.writeVarUint(encoder, messageSync);
          syncProtocol.readSyncStep1(decoder, encoder, document);
        }),
      );
    } else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
      const update = decoding.readVarUint8Array(decoder);
      // Read-only writes are dropped without a word, like Hocuspocus does (SPEC A4): never applied,
      // so never logged nor broadcast.
      if (this.context.readOnly) return;
      // A synchronous log appends inside the document's update callback, before the broadcast (D1).
      Y.applyUpdate(document, update, this);
    } else {
      throw new MalformedMessage(`unknown sync message type ${syncType}`);
    }
  }

  private async release(): Promise<void> {
    this.closing = true;
    this.bridge.sockets.delete(this);
    // Frames already received are still applied (they may be durable already in an awaited log).
    await this.queue;
    if (this.fanout) this.bridge.leave(this.fanout, this);
    try {
      await this.direct?.disconnect();
    } catch (error) {
      this.bridge.log(`yjs bridge could not release ${this.request.url}: ${String(error)}`);
    }
    this.bridge.forget(this);
  }
}

/** The `/yjs/` websocket endpoint of one cocode server. */
export class YjsBridge {
  readonly hocuspocus: Hocuspocus;
  readonly gate: DocumentGate;
  readonly refusals: Refusals;
  readonly sockets: BridgeSockets;
  readonly limits: Limits;
  readonly log: (message: string) => void;
  private readonly server: WebSocketServer;
  /** Every open socket, authorized or not, for the heartbeat and shutdown. */
  private readonly connections = new Set<BridgeConnection>();
  private readonly fanouts = new Map<Document, DocumentFanout>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor({ hocuspocus, gate, refusals, sockets, limits, log }: YjsBridgeOptions) {
    this.hocuspocus = hocuspocus;
    this.gate = gate;
    this.refusals = refusals;
    this.sockets = sockets;
    this.limits = limits;
    this.log = log;
    // Bigger frames close the socket with 1009, as on /collab.
    this.server = new WebSocketServer({ noServer: true, maxPayload: limits.websocketMaxPayloadBytes });
    this.heartbeat = setInterval(() => {
      for (const connection of this.connections) connection.checkAlive();
    }, heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.server.handleUpgrade(request, socket, head, (websocket) => {
      // An unhandled socket error event would crash the process (e.g. an invalid frame).
      websocket.on('error', (error) => this.log(`yjs bridge socket error: ${error.message}`));
      this.connections.add(new BridgeConnection(websocket, request, this));
    });
  }

  join(document: Document, connection: BridgeConnection): DocumentFanout {
    let fanout = this.fanouts.get(document);
    if (!fanout) {
      fanout = new DocumentFanout(document);
      this.fanouts.set(document, fanout);
    }
    fanout.connections.add(connection);
    return fanout;
  }

  leave(fanout: DocumentFanout, connection: BridgeConnection): void {
    fanout.connections.delete(connection);
    // Other clients would otherwise show this socket's cursors until the 30 s awareness timeout.
    awarenessProtocol.removeAwarenessStates(fanout.document.awareness, [...connection.awarenessClients], 'yjs-bridge-closed');
    if (fanout.connections.size === 0) {
      fanout.detach();
      this.fanouts.delete(fanout.document);
    }
  }

  forget(connection: BridgeConnection): void {
    this.connections.delete(connection);
  }

  /** Drops every bridge socket and waits until their documents are released (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    const open = [...this.connections];
    for (const connection of open) connection.socket.terminate();
    await Promise.all(open.map((connection) => connection.finished));
    this.server.close();
  }
}
