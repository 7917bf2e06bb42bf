/**
 * Collaborative documents in the browser: one websocket to `/collab` shared by every open
 * document (Hocuspocus multiplexes them), authenticated by the session cookie that travels with
 * the upgrade request (the provider sends an empty token, which makes the server use the cookie).
 *
 * Every open document reports its state to a registry, so the header can show one honest
 * connection state on every screen.
 *
 * The offline copy (IndexedDB, for a coder's own layer) holds codings, memos and so quoted words:
 * on a shared computer the next person must not read it. Copies are kept per user (the database
 * name carries the user id), and sign-out, a signed-out start and another person signing in delete
 * every copy that is not the signed-in person's.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket, WebSocketStatus } from '@hocuspocus/provider';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { type CloseEvent, closeCodes, closeEventForReason } from '../../../shared/collab/closeCodes';

export interface DocumentState {
  /** Received the server's state at least once (coding waits for this on the transcript). */
  synced: boolean;
  /** Local changes the server has not acknowledged yet. */
  unsynced: boolean;
  /** The server opened the document read-only for this user. */
  readOnly: boolean;
  /** Set when the server refused the document; the server's reason without its prefix. */
  refused: string | null;
}

export interface CollabDocument {
  name: string;
  primary: boolean;
  doc: Y.Doc;
  provider: HocuspocusProvider;
  state(): DocumentState;
  subscribe(listener: () => void): () => void;
  /** Resolves when the first server sync arrived (never, if refused). */
  whenSynced: Promise<void>;
  /** Stops syncing; resolves once the offline copy (if any) is closed. Closing twice is harmless. */
  close(): Promise<void>;
}

/**
 * Access refusals carry their kind before the reason ("forbidden: blind mode is on"), and the page
 * shows only the reason; other refusals carry a close event's reason, put into words here.
 */
const accessRefusalPrefix = new RegExp(`^(${[closeCodes.unauthorized, closeCodes.forbidden].map((event) => event.reason.toLowerCase()).join('|')}):\\s*`);
const refusalWords: Partial<Record<CloseEvent['reason'], string>> = {
  [closeCodes.unauthorized.reason]: 'you are signed out; sign in again',
  [closeCodes.forbidden.reason]: 'this document is not open to you',
  [closeCodes.authenticationTimeout.reason]: 'opening the document took too long; reload the page',
  [closeCodes.tooManyConnections.reason]: 'too many people have this document open; try again later',
  [closeCodes.brokenDocument.reason]: 'the stored document is damaged; an owner can see it in the project health report',
  [closeCodes.documentDeleted.reason]: 'an owner deleted this transcript; its offline copy in this browser is deleted too',
};

/** What the page says about a refused document, from the reason the server sent. */
export function refusalText(reason: string): string {
  const event = closeEventForReason(reason);
  if (event) return refusalWords[event.reason] ?? event.reason.toLowerCase();
  return reason.replace(accessRefusalPrefix, '') || 'access refused';
}

/** Every offline copy this app writes starts with this; nothing else of the origin does. */
const offlineCachePrefix = 'cocode:';
/** The user whose offline copies this page may keep and write; null while nobody is signed in. */
let offlineCacheOwner: string | null = null;

export function offlineCacheName(userId: string, documentName: string): string {
  return `${offlineCachePrefix}${userId}:${documentName}`;
}

/** The names of this origin's IndexedDB databases (Chromium, Firefox 126+ and Safari list them). */
async function databaseNames(): Promise<string[]> {
  if (typeof indexedDB.databases !== 'function') return [];
  const databases = await indexedDB.databases();
  return databases.map((database) => database.name).filter((name): name is string => typeof name === 'string');
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    // Another tab still has it open: the deletion stays queued and completes when that tab lets go.
    request.onblocked = () => resolve();
  });
}

/**
 * Makes `userId` the only person whose offline copies this browser keeps: every other cocode
 * database (other people's, and copies from before caches were kept per user) is deleted.
 * `null` deletes them all (signed out).
 */
export async function keepOfflineCachesOf(userId: string | null): Promise<void> {
  offlineCacheOwner = userId;
  const own = userId === null ? null : offlineCacheName(userId, '');
  const doomed = (await databaseNames()).filter((name) => name.startsWith(offlineCachePrefix) && (own === null || !name.startsWith(own)));
  await Promise.all(doomed.map(deleteDatabase));
}

/** Local changes not yet acknowledged by the server (signing out now would discard them). */
export function hasUnsentChanges(): boolean {
  return [...openDocuments].some((document) => document.state().unsynced);
}

/**
 * Sign-out: closes every open document and the shared socket (so nothing is written after this),
 * then deletes every offline copy.
 */
export async function forgetEverythingLocal(): Promise<void> {
  await Promise.all([...openDocuments].map((document) => document.close()));
  sharedSocket?.destroy();
  sharedSocket = null;
  socketStatus = WebSocketStatus.Disconnected;
  await keepOfflineCachesOf(null);
  notifyRegistry();
}

let sharedSocket: HocuspocusProviderWebsocket | null = null;
let socketStatus: WebSocketStatus = WebSocketStatus.Disconnected;

function socket(): HocuspocusProviderWebsocket {
  if (sharedSocket) return sharedSocket;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  sharedSocket = new HocuspocusProviderWebsocket({ url: `${scheme}://${location.host}/collab` });
  sharedSocket.on('status', ({ status }: { status: WebSocketStatus }) => {
    socketStatus = status;
    notifyRegistry();
  });
  watchOnlineState();
  return sharedSocket;
}

let watchingOnlineState = false;

/**
 * A socket can look open for a long time after the network went away; follow the browser's own
 * online state so the page says "offline" at once and reconnects as soon as it is back.
 */
function watchOnlineState() {
  if (watchingOnlineState) return;
  watchingOnlineState = true;
  window.addEventListener('offline', () => {
    sharedSocket?.disconnect();
    notifyRegistry();
  });
  window.addEventListener('online', () => {
    void sharedSocket?.connect();
    notifyRegistry();
  });
}

const openDocuments = new Set<CollabDocument>();
const registryListeners = new Set<() => void>();

function notifyRegistry() {
  for (const listener of registryListeners) listener();
}

export interface OpenOptions {
  /** Keep a copy in IndexedDB so work continues offline and merges on reconnect. */
  persistOffline?: boolean;
  /** The screen cannot work without this document: its refusal is the page's state. */
  primary?: boolean;
  /** Fill the awareness state (presence) once connected. */
  awarenessUser?: { name: string; color: string };
}

export function openDocument(name: string, options: OpenOptions = {}): CollabDocument {
  const doc = new Y.Doc();
  const state: DocumentState = { synced: false, unsynced: false, readOnly: false, refused: null };
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
    notifyRegistry();
  };
  let markSynced: () => void = () => undefined;
  const whenSynced = new Promise<void>((resolve) => {
    markSynced = resolve;
  });
  const persistence = options.persistOffline && offlineCacheOwner !== null ? new IndexeddbPersistence(offlineCacheName(offlineCacheOwner, name), doc) : null;

  const provider = new HocuspocusProvider({
    websocketProvider: socket(),
    name,
    document: doc,
    token: '',
    onAuthenticated: ({ scope }) => {
      state.readOnly = scope === 'readonly';
      changed();
    },
    onAuthenticationFailed: ({ reason }) => {
      state.refused = refusalText(reason);
      changed();
    },
    onClose: ({ event }) => {
      // A deleted transcript (SPEC E2) must not survive in this browser either: its offline copy
      // holds the coder's codings and the words they quote.
      if (closeEventForReason(event.reason) !== closeCodes.documentDeleted) return;
      state.refused = refusalText(event.reason);
      void persistence?.clearData();
      changed();
    },
    onSynced: ({ state: synced }) => {
      if (!synced) return;
      state.synced = true;
      markSynced();
      changed();
    },
    onUnsyncedChanges: ({ number }) => {
      state.unsynced = number > 0;
      changed();
    },
  });
  provider.attach();
  if (options.awarenessUser) provider.setAwarenessField('user', options.awarenessUser);

  const handle: CollabDocument = {
    name,
    primary: options.primary ?? false,
    doc,
    provider,
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenSynced,
    async close() {
      if (!openDocuments.delete(handle)) return;
      provider.destroy();
      const closing = persistence?.destroy();
      doc.destroy();
      notifyRegistry();
      await closing;
    },
  };
  openDocuments.add(handle);
  notifyRegistry();
  return handle;
}

export type ConnectionLabel = 'Saved' | 'Syncing…' | 'Offline — changes are kept and will sync' | 'Read-only' | 'Access refused';

export interface ConnectionSummary {
  label: ConnectionLabel;
  tone: 'ok' | 'busy' | 'offline' | 'readonly' | 'refused';
  detail: string;
}

/** One state for the whole page, worst first: refused, offline, syncing, read-only, saved. */
export function connectionSummary(): ConnectionSummary {
  const documents = [...openDocuments].map((document) => document.state());
  const primaryRefusal = [...openDocuments].find((document) => document.primary && document.state().refused)?.state().refused;
  if (primaryRefusal) return { label: 'Access refused', tone: 'refused', detail: primaryRefusal };
  const offline = !navigator.onLine || (documents.length > 0 && socketStatus === WebSocketStatus.Disconnected && documents.some((d) => d.synced));
  if (offline)
    return { label: 'Offline — changes are kept and will sync', tone: 'offline', detail: 'Your work is stored in this browser and sent when the connection returns.' };
  const reachable = documents.filter((d) => d.refused === null);
  if (reachable.some((d) => !d.synced || d.unsynced))
    return { label: 'Syncing…', tone: 'busy', detail: 'Sending and receiving changes.' };
  if (reachable.length > 0 && reachable.every((d) => d.readOnly))
    return { label: 'Read-only', tone: 'readonly', detail: 'You can read this, but your role does not allow changes.' };
  return { label: 'Saved', tone: 'ok', detail: 'Everything is saved on the server.' };
}

export function subscribeConnection(listener: () => void): () => void {
  registryListeners.add(listener);
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    registryListeners.delete(listener);
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}
