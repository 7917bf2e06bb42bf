/** Real Hocuspocus providers over real websockets (Node has no global WebSocket: use ws). */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';

/**
 * The provider closes sockets that are still connecting when a server goes away (restarts, kills);
 * ws then emits an 'error' nobody listens to, which would crash the test process. The provider
 * reports connection problems through its own events, so the socket's error event is consumed.
 */
class ObservedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.on('error', () => {});
  }
}

export interface TestProvider {
  provider: HocuspocusProvider;
  doc: Y.Doc;
  /** Resolves on sync; rejects with the server's reason when authentication fails. */
  synced: Promise<void>;
  authenticationFailure: Promise<string>;
  destroy(): void;
}

export function connectProvider(wsUrl: string, name: string, token: string, doc = new Y.Doc()): TestProvider {
  const socket = new HocuspocusProviderWebsocket({ url: wsUrl, WebSocketPolyfill: ObservedWebSocket as never });
  let resolveSynced: () => void = () => {};
  let rejectSynced: (error: Error) => void = () => {};
  let resolveFailure: (reason: string) => void = () => {};
  const synced = new Promise<void>((resolve, reject) => {
    resolveSynced = resolve;
    rejectSynced = reject;
  });
  const authenticationFailure = new Promise<string>((resolve) => {
    resolveFailure = resolve;
  });
  synced.catch(() => {});
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name,
    token,
    document: doc,
    onSynced: () => resolveSynced(),
    onAuthenticationFailed: ({ reason }) => {
      resolveFailure(reason);
      rejectSynced(new Error(`authentication failed: ${reason}`));
    },
  });
  provider.attach();
  return {
    provider,
    doc,
    synced,
    authenticationFailure,
    destroy() {
      provider.destroy();
      socket.destroy();
    },
  };
}

/** Outcome of opening a document: synced, or refused with the server's reason. */
export async function openOutcome(wsUrl: string, name: string, token: string): Promise<{ ok: true; connection: TestProvider } | { ok: false; reason: string }> {
  const connection = connectProvider(wsUrl, name, token);
  const result = await Promise.race([
    connection.synced.then(() => ({ ok: true as const, connection })),
    connection.authenticationFailure.then((reason) => ({ ok: false as const, reason })),
  ]);
  if (!result.ok) connection.destroy();
  return result;
}
