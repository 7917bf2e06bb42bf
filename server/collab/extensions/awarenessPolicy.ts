/**
 * Presence that can neither leak nor be forged (SPEC A13). Awareness is relayed by the server to
 * every connection of a document whatever the clients publish, so the rule is kept here, on the
 * server's copy of the states, before any of it is broadcast (/collab and /yjs alike), relayed to
 * other instances (Redis) or sent to a newly connecting client:
 *
 * - a client id belongs to the user whose connection first published it; another connection of
 *   the same user may take it over (a reconnecting provider keeps its id), anybody else's update or
 *   removal of it is undone, clock included, and not passed on;
 * - every state's `user` is the authenticated user of the connection that sent it (`id`, `name`,
 *   and a client-chosen colour only when it is a plain hex colour, since editors put it in a style
 *   attribute), whatever the client wrote;
 * - in a blind project the states on transcripts and coding layers keep `user` and nothing else:
 *   no cursor, selection or any other field a client could carry a coder's work in. Switching blind
 *   mode on strips the states already there at once.
 *
 * Hocuspocus and the bridge apply awareness with y-protocols' `applyAwarenessUpdate`, which writes
 * the states and then emits 'change' and 'update'; the Document's own 'update' listener broadcasts.
 * There is no hook between the two, so the policy wraps the awareness' `emit`: it runs before every
 * listener, rewrites or restores the states the event names, and removes undone ids from the
 * event, so no listener (the broadcast, the bridge's per-socket tracking, the Redis relay) sees them.
 */
import type { afterLoadDocumentPayload, Document, Extension, Hocuspocus } from '@hocuspocus/server';
import type { WebSocket } from 'ws';
import type { Awareness } from 'y-protocols/awareness';
import { parseDocumentName } from '../../../shared/collab/documentNames';
import { projectOfDocumentName } from '../../access';
import type { ProjectRecord, RelationalStore, UserRecord } from '../../storage/types';
import type { CollabContext } from '../context';
import type { BridgeSockets } from '../interop/bridgeSockets';

type AwarenessState = Record<string, unknown>;
type ClientMeta = { clock: number; lastUpdated: number };
type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };

/** The fields a blind transcript or layer state keeps: who is here, nothing of what they do. */
const blindFields = ['user'] as const;

/** `#rgb`, `#rgba`, `#rrggbb` or `#rrggbbaa`: a colour that cannot carry CSS into a style attribute. */
const safeColour = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** Origin of the policy's own re-broadcast when blind mode is switched on. */
const policyOrigin = 'cocode-awareness-policy';

/** Who sent an awareness change: a user's connection, the server itself, or a connection no longer known. */
type Sender = { kind: 'user'; user: UserRecord } | { kind: 'server' } | { kind: 'unknown' };

/**
 * A state as the server accepted it, to restore when somebody else changes or removes it. A removed
 * state stays listed (as null) for as long as the document is live, so that nobody can claim the
 * client id of someone who only hid their presence for a while.
 */
interface AcceptedState {
  /** The user the client id belongs to; null: nobody here may change it (a foreign relay without a user). */
  ownerId: string | null;
  state: AwarenessState | null;
  meta: ClientMeta;
}

function isPlainObject(value: unknown): value is AwarenessState {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boundUser(claimed: unknown, user: UserRecord): AwarenessState {
  const colour = isPlainObject(claimed) ? claimed.color : undefined;
  return typeof colour === 'string' && safeColour.test(colour)
    ? { id: user.id, name: user.name, color: colour }
    : { id: user.id, name: user.name };
}

function onlyBlindFields(state: AwarenessState): AwarenessState {
  const kept: AwarenessState = {};
  for (const field of blindFields) if (field in state) kept[field] = state[field];
  return kept;
}

/** The awareness policy of one live document. */
class DocumentPresence {
  private readonly accepted = new Map<number, AcceptedState>();
  private readonly emit: Awareness['emit'];
  /** Whether states lose everything but `user`: blind project, transcript or layer document. */
  private stripsActivity: boolean;

  constructor(
    private readonly document: Document,
    readonly projectId: string | null,
    /** Transcripts and layers show coding work; the codebook is shared text, the consensus closed to coders in blind mode (A3). */
    private readonly showsCodingWork: boolean,
    blind: boolean,
    private readonly bridgeSockets: BridgeSockets,
  ) {
    this.stripsActivity = blind && showsCodingWork;
    const awareness = document.awareness;
    this.emit = awareness.emit.bind(awareness);
    awareness.emit = (name, args) => {
      if (name === 'change' || name === 'update') {
        const [change, origin] = args as [AwarenessChange, unknown];
        this.enforce(change, origin);
        if (change.added.length + change.updated.length + change.removed.length === 0) return;
      }
      this.emit(name, args);
    };
  }

  /** Blind mode was switched; when it came on, the states already here lose their activity now. */
  setBlind(blind: boolean): void {
    const strips = blind && this.showsCodingWork;
    if (strips === this.stripsActivity) return;
    this.stripsActivity = strips;
    if (!strips) return;
    const awareness = this.document.awareness;
    const stripped: number[] = [];
    for (const [clientId, state] of awareness.getStates()) {
      if (Object.keys(state).every((field) => (blindFields as readonly string[]).includes(field))) continue;
      const clean = onlyBlindFields(state);
      // A higher clock, or clients would keep the state they have.
      const meta = { clock: (awareness.meta.get(clientId)?.clock ?? 0) + 1, lastUpdated: Date.now() };
      awareness.states.set(clientId, clean);
      awareness.meta.set(clientId, meta);
      const accepted = this.accepted.get(clientId);
      if (accepted) this.accepted.set(clientId, { ...accepted, state: clean, meta });
      stripped.push(clientId);
    }
    if (stripped.length === 0) return;
    // Past the policy, which has just written these states itself.
    this.emit('change', [{ added: [], updated: stripped, removed: [] }, policyOrigin]);
    this.emit('update', [{ added: [], updated: stripped, removed: [] }, policyOrigin]);
  }

  private enforce(change: AwarenessChange, origin: unknown): void {
    const sender = this.senderOf(origin);
    for (const list of [change.added, change.updated, change.removed]) {
      for (let index = list.length - 1; index >= 0; index -= 1) {
        if (!this.admit(list[index], sender)) list.splice(index, 1);
      }
    }
  }

  /** Applies the policy to one client id the awareness has just written; false when it was undone. */
  private admit(clientId: number, sender: Sender): boolean {
    const awareness = this.document.awareness;
    const accepted = this.accepted.get(clientId);
    const mayChange =
      sender.kind === 'server' || (sender.kind === 'user' && (accepted === undefined || accepted.ownerId === sender.user.id));
    if (!mayChange) {
      this.restore(clientId, accepted);
      return false;
    }
    const meta = awareness.meta.get(clientId) as ClientMeta;
    const state = awareness.states.get(clientId) as unknown;
    if (state === undefined) {
      const ownerId = sender.kind === 'user' ? sender.user.id : accepted?.ownerId;
      if (ownerId !== undefined) this.accepted.set(clientId, { ownerId, state: null, meta });
      return true;
    }
    let published: AwarenessState = isPlainObject(state) ? state : {};
    if (sender.kind === 'user') published = { ...published, user: boundUser(published.user, sender.user) };
    if (this.stripsActivity) published = onlyBlindFields(published);
    awareness.states.set(clientId, published);
    // A relay from another instance carries the user that instance bound (its own policy).
    const relayedUser = isPlainObject(published.user) && typeof published.user.id === 'string' ? published.user.id : null;
    const ownerId = sender.kind === 'user' ? sender.user.id : relayedUser;
    this.accepted.set(clientId, { ownerId, state: published, meta });
    return true;
  }

  /** Puts back the state and clock a client id had before somebody else's change. */
  private restore(clientId: number, accepted: AcceptedState | undefined): void {
    const awareness = this.document.awareness;
    if (accepted) {
      if (accepted.state) awareness.states.set(clientId, accepted.state);
      else awareness.states.delete(clientId);
      awareness.meta.set(clientId, accepted.meta);
    } else {
      // A client id nobody published, from a connection this document no longer has.
      awareness.states.delete(clientId);
    }
  }

  private senderOf(origin: unknown): Sender {
    // Hocuspocus' own removals on close (null), y-protocols' timeout, the bridge's close, the Redis
    // relay of other instances (undefined: each instance keeps this policy for its own clients).
    if (origin === null || origin === undefined || typeof origin === 'string') return { kind: 'server' };
    const context: Partial<CollabContext> | undefined = this.bridgeSockets.has(origin)
      ? origin.context
      : this.document.connections.get(origin as WebSocket)?.connection.context;
    return context?.user ? { kind: 'user', user: context.user } : { kind: 'unknown' };
  }
}

/** The policy of every live document, whichever server it belongs to; a document unloads with its entry. */
const presenceOf = new WeakMap<Document, DocumentPresence>();

/**
 * Re-reads of blind mode started so far, by any server of this process. A document that read its
 * project while one started may hold the value from before the change and be missed by it (it is
 * not listed yet), so it reads again.
 */
let blindModeRereads = 0;

export class AwarenessPolicyExtension implements Extension {
  extensionName = 'cocode-awareness-policy';

  constructor(
    private readonly store: RelationalStore,
    private readonly bridgeSockets: BridgeSockets,
  ) {}

  /** Runs before any connection joins the document, so no state is ever kept unchecked. */
  async afterLoadDocument({ document, documentName }: afterLoadDocumentPayload): Promise<void> {
    const name = parseDocumentName(documentName);
    let project: ProjectRecord | null = null;
    for (let rereadsBefore = -1; rereadsBefore !== blindModeRereads; ) {
      rereadsBefore = blindModeRereads;
      project = name ? await projectOfDocumentName(this.store, name) : null;
    }
    const showsCodingWork = name?.kind === 'transcript' || name?.kind === 'layer';
    // A document whose project cannot be found is treated as blind: hiding is the safe side.
    presenceOf.set(document, new DocumentPresence(document, project?.id ?? null, showsCodingWork, project?.blind ?? true, this.bridgeSockets));
  }
}

/**
 * Re-reads a project's blind mode for its open documents on this server: part of the access
 * re-check that runs whenever a project's access changes (SPEC A3), on every instance.
 */
export async function followBlindMode(hocuspocus: Hocuspocus, store: RelationalStore, projectId: string): Promise<void> {
  blindModeRereads += 1;
  const project = await store.getProject(projectId);
  if (!project) return;
  for (const document of hocuspocus.documents.values()) {
    const presence = presenceOf.get(document);
    if (presence?.projectId === projectId) presence.setBlind(project.blind);
  }
}
