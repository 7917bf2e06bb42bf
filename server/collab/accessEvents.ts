/**
 * Access changes, ended credentials and erased documents reach every connection, on every instance
 * (SPEC S1, A3, A9, E2).
 *
 * The instance that handles the change re-checks its own connections at once (its REST answer
 * comes after that) and, with `REDIS_URL`, publishes "project P's access changed" or "credentials
 * H… ended" on the deployment's Redis channel; every other instance re-checks its connections when
 * the message arrives. Each instance publishes only after the change is committed, so whatever
 * re-checks on arrival reads the new state.
 *
 * That alone leaves a race: a Hocuspocus connection reads its access while authenticating, but
 * joins its document (and becomes visible to a re-check) only after the document has loaded, which
 * can take a database round trip. A change that arrives in between would miss it. So every
 * connection notes, before it authenticates, how many changes this instance had seen; when it
 * joins, it is re-checked if a change of its project (or an ended credential) arrived meanwhile.
 * A connection that authenticates after the commit reads the new state itself. Sockets of the /yjs
 * bridge need no such note: the bridge lists a socket in the same turn of the event loop in which
 * its authorization finished, so no message can arrive in between.
 *
 * If this instance's subscription to Redis drops, messages published meanwhile are lost to it; on
 * reconnecting it re-subscribes first and then re-checks every open connection.
 */
import { randomUUID } from 'node:crypto';
import type { connectedPayload, Extension, Hocuspocus, onConfigurePayload } from '@hocuspocus/server';
import type { Redis as RedisClient } from 'ioredis';
import { z } from 'zod';
import { closeCodes } from '../../shared/collab/closeCodes';
import type { DocumentLogStore, RelationalStore } from '../storage/types';
import { reapplyProjectAccess, recheckConnection, type RecheckableConnection } from './accessRevocation';
import type { CollabContext } from './context';
import { closeConnectionsOfCredentials } from './credentialRevocation';
import { eraseDocuments } from './documentErasure';
import type { ErasureScope } from './erasedDocuments';
import type { DurableLogExtension } from './extensions/durableLog';
import type { BridgeSockets } from './interop/bridgeSockets';

/** A change one instance tells the others about. */
export type AccessEvent =
  | { kind: 'access-changed'; projectId: string }
  | { kind: 'credentials-ended'; tokenHashes: string[] }
  | ({ kind: 'documents-erased' } & ErasureScope);

const entityId = z.string().min(1).max(64);

const accessEventMessage = z.discriminatedUnion('kind', [
  z.strictObject({ from: z.string().min(1), kind: z.literal('access-changed'), projectId: entityId }),
  z.strictObject({
    from: z.string().min(1),
    kind: z.literal('credentials-ended'),
    // SHA-256 hex, as stored (SPEC A5): never a token itself.
    tokenHashes: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest')).min(1),
  }),
  z.strictObject({ from: z.string().min(1), kind: z.literal('documents-erased'), documentIds: z.array(entityId), projectIds: z.array(entityId) }),
]);

type AccessEventMessage = z.infer<typeof accessEventMessage>;

/** Parses a message from the channel; the error names what is wrong with it. */
export function parseAccessEventMessage(text: string): { message: AccessEventMessage } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: 'not JSON' };
  }
  const result = accessEventMessage.safeParse(json);
  if (result.success) return { message: result.data };
  return { error: result.error.issues.map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`).join('; ') };
}

/**
 * The deployment's channel. Document names always contain a colon after their kind, so the Redis
 * extension's document channels (`<prefix>:<document name>`) can never be this one.
 */
export const accessEventChannelName = (prefix: string) => `${prefix}:access-events`;

/** What a connection noted before it authenticated; kept in its context. */
interface ChangesSeen {
  accessChanges: number;
  credentialEndings: number;
}
const changesSeenKey = 'accessEventsSeenBeforeAuthentication';

export interface AccessEventsOptions {
  store: RelationalStore;
  bridgeSockets: BridgeSockets;
  /** Where erased documents stop being written, and the log they are erased from (SPEC E2). */
  durableLog: DurableLogExtension;
  documents: DocumentLogStore;
  /** How long a REST answer waits for Redis to take a message; later it is still delivered once Redis is back. */
  publishWaitMs: number;
  log: (message: string) => void;
}

export class AccessEvents implements Extension {
  extensionName = 'cocode-access-events';
  private hocuspocus: Hocuspocus | null = null;
  private channel: AccessEventChannel | null = null;
  /** Changes of access this instance has applied, counted; a project maps to the count at its latest change. */
  private accessChanges = 0;
  private readonly latestAccessChangeOf = new Map<string, number>();
  /** The count at which every project was re-checked at once (after a lost subscription). */
  private latestFullRecheck = 0;
  private credentialEndings = 0;

  constructor(private readonly options: AccessEventsOptions) {}

  /**
   * Subscribes to the deployment's channel; resolves once subscribed, so the instance takes no
   * connection that could miss a message. Rejects when Redis cannot be reached.
   */
  async connectRedis(redisUrl: string, prefix: string): Promise<void> {
    // Loaded only with REDIS_URL: importing the Redis client costs a single instance half a second of start-up.
    const { Redis } = await import('ioredis');
    this.channel = new AccessEventChannel(Redis, redisUrl, accessEventChannelName(prefix), this.options.publishWaitMs, this.options.log, {
      onEvent: (event) => this.apply(event),
      onResubscribed: () => this.recheckEverything(),
    });
    await this.channel.subscribe();
  }

  async onConfigure({ instance }: onConfigurePayload): Promise<void> {
    this.hocuspocus = instance;
  }

  async onDestroy(): Promise<void> {
    this.channel?.close();
  }

  /** Runs before authentication (which reads access), so its note precedes what it read. */
  async onConnect(): Promise<Record<typeof changesSeenKey, ChangesSeen>> {
    return { [changesSeenKey]: { accessChanges: this.accessChanges, credentialEndings: this.credentialEndings } };
  }

  /** The connection is now in its document, where every later re-check finds it; catch up on what arrived since its note. */
  async connected({ connection, context }: connectedPayload): Promise<void> {
    // Authenticated before its document was erased, joined after the erasure closed the others (SPEC E2).
    if (this.options.durableLog.erased.has(connection.document.name)) {
      connection.close(closeCodes.documentDeleted);
      return;
    }
    const seen = (context as Record<string, unknown>)[changesSeenKey] as ChangesSeen | undefined;
    const collab = context as Partial<CollabContext>;
    if (!seen || !collab.user || !collab.projectId || !collab.name) return;
    try {
      // Logged because it is rare: it shows the race happening (and handled) in an operator's logs.
      const caughtUp = (what: string) => this.options.log(`re-checked a connection to ${connection.document.name} that authenticated while ${what}`);
      if (this.credentialEndings > seen.credentialEndings && collab.credentialHash) {
        caughtUp('credentials ended');
        const userId = await this.options.store.getUserIdByToken(collab.credentialHash, Date.now());
        if (userId !== collab.user.id) {
          connection.close(closeCodes.unauthorized);
          return;
        }
      }
      const latestChange = Math.max(this.latestAccessChangeOf.get(collab.projectId) ?? 0, this.latestFullRecheck);
      if (latestChange > seen.accessChanges) {
        caughtUp(`the access of project ${collab.projectId} changed`);
        await recheckConnection(this.options.store, collab.projectId, collab.name, connection);
      }
    } catch (error) {
      // Access that cannot be confirmed is not granted: the client reconnects and authenticates anew.
      this.options.log(`access re-check of a new connection to ${connection.document.name} failed, closing it: ${String(error)}`);
      connection.close(closeCodes.forbidden);
    }
  }

  /** A change of project membership, roles or blind mode was committed here (SPEC A3). */
  async accessChanged(projectId: string): Promise<void> {
    await Promise.all([this.apply({ kind: 'access-changed', projectId }), this.channel?.publish({ kind: 'access-changed', projectId })]);
  }

  /**
   * A transcript or project is being deleted here (SPEC E2): its documents are erased on this
   * instance, connections closed and stored state removed, and on every other one, which closes its
   * own connections, unloads its copies and erases again whatever it appended meanwhile.
   */
  async documentsErased(scope: ErasureScope): Promise<void> {
    const event: AccessEvent = { kind: 'documents-erased', ...scope };
    await Promise.all([this.apply(event), this.channel?.publish(event)]);
  }

  /** Credentials were deleted here (SPEC A9). */
  async credentialsRevoked(tokenHashes: string[]): Promise<void> {
    if (tokenHashes.length === 0) return;
    const event: AccessEvent = { kind: 'credentials-ended', tokenHashes };
    await Promise.all([this.apply(event), this.channel?.publish(event)]);
  }

  private async apply(event: AccessEvent): Promise<void> {
    const hocuspocus = this.requireHocuspocus();
    // Counted before anything awaits: a connection joining during the re-check below sees it.
    if (event.kind === 'access-changed') {
      this.accessChanges += 1;
      this.latestAccessChangeOf.set(event.projectId, this.accessChanges);
      await reapplyProjectAccess(hocuspocus, this.options.bridgeSockets, this.options.store, event.projectId);
    } else if (event.kind === 'credentials-ended') {
      this.credentialEndings += 1;
      closeConnectionsOfCredentials(hocuspocus, this.options.bridgeSockets, event.tokenHashes);
    } else {
      const { bridgeSockets, durableLog, documents } = this.options;
      await eraseDocuments({ hocuspocus, bridgeSockets, durableLog, documents }, event);
    }
  }

  /** After messages may have been missed: every open connection's credential and access, checked again. */
  private async recheckEverything(): Promise<void> {
    const hocuspocus = this.requireHocuspocus();
    this.accessChanges += 1;
    this.latestFullRecheck = this.accessChanges;
    this.credentialEndings += 1;
    const connections: RecheckableConnection[] = [...this.options.bridgeSockets.all()];
    for (const document of hocuspocus.documents.values()) connections.push(...document.getConnections());
    const contexts = connections.map((connection) => connection.context as Partial<CollabContext> | undefined);
    const now = Date.now();
    const ended: string[] = [];
    for (const hash of new Set(contexts.map((context) => context?.credentialHash).filter((hash) => hash !== undefined)))
      if (!(await this.options.store.getUserIdByToken(hash, now))) ended.push(hash);
    closeConnectionsOfCredentials(hocuspocus, this.options.bridgeSockets, ended);
    for (const projectId of new Set(contexts.map((context) => context?.projectId).filter((id) => id !== undefined)))
      await reapplyProjectAccess(hocuspocus, this.options.bridgeSockets, this.options.store, projectId);
    this.options.log(`re-checked ${connections.length} open connections after the access-event subscription was restored`);
  }

  private requireHocuspocus(): Hocuspocus {
    if (!this.hocuspocus) throw new Error('AccessEvents is not configured: pass it to Hocuspocus as an extension');
    return this.hocuspocus;
  }
}

interface ChannelHandlers {
  onEvent(event: AccessEvent): Promise<void>;
  onResubscribed(): Promise<void>;
}

/** Publish/subscribe on one Redis channel with two connections (a subscribed connection cannot publish). */
class AccessEventChannel {
  /** Tells this instance's own messages apart, which it has applied already. */
  private readonly instanceId = randomUUID();
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private subscribed = false;
  /** Set from losing the subscription until it is restored, so the loss is logged once. */
  private lost = false;
  private closed = false;

  constructor(
    Client: typeof RedisClient,
    redisUrl: string,
    private readonly channel: string,
    private readonly publishWaitMs: number,
    private readonly log: (message: string) => void,
    private readonly handlers: ChannelHandlers,
  ) {
    // The publisher keeps commands while Redis is away (no retry limit) and sends them once it is back.
    this.publisher = new Client(redisUrl, { maxRetriesPerRequest: null, connectionName: `${channel}:publisher` });
    // Re-subscribing is done here, not by ioredis, so the full re-check starts only once subscribed again.
    this.subscriber = new Client(redisUrl, { autoResubscribe: false, connectionName: `${channel}:subscriber` });
    for (const [role, client] of [
      ['publisher', this.publisher],
      ['subscriber', this.subscriber],
    ] as const)
      client.on('error', (error: Error) => this.log(`redis ${role} of ${channel}: ${error.message}`));
    this.subscriber.on('message', (channelName: string, text: string) => {
      if (channelName === this.channel) void this.receive(text);
    });
    this.subscriber.on('ready', () => {
      if (this.subscribed) void this.resubscribe();
    });
    this.subscriber.on('close', () => {
      if (!this.subscribed || this.closed || this.lost) return;
      this.lost = true;
      this.log(`lost the subscription to ${channel}; reconnecting`);
    });
  }

  async subscribe(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
    this.subscribed = true;
  }

  async publish(event: AccessEvent): Promise<void> {
    const sent = this.publisher.publish(this.channel, JSON.stringify({ from: this.instanceId, ...event }));
    const describe =
      event.kind === 'access-changed'
        ? `access change of project ${event.projectId}`
        : event.kind === 'credentials-ended'
          ? `${event.tokenHashes.length} ended credentials`
          : `erasure of the documents of ${event.documentIds.length} transcripts and ${event.projectIds.length} projects`;
    sent.catch((error: Error) => this.log(`could not publish the ${describe} on ${this.channel}: ${error.message}`));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), this.publishWaitMs);
    });
    const outcome = await Promise.race([sent.then(() => 'sent' as const, () => 'failed' as const), waited]);
    clearTimeout(timer);
    if (outcome === 'waited') this.log(`Redis has not taken the ${describe} yet; it is sent when Redis is reachable again`);
  }

  /** Drops both connections at once: a polite QUIT would wait forever for a Redis that is away. */
  close(): void {
    this.closed = true;
    this.subscriber.disconnect(false);
    this.publisher.disconnect(false);
  }

  private async receive(text: string): Promise<void> {
    const parsed = parseAccessEventMessage(text);
    if ('error' in parsed) {
      this.log(`ignored a malformed message on ${this.channel} (${parsed.error}): ${text.slice(0, 200)}`);
      return;
    }
    const { from, ...event } = parsed.message;
    if (from === this.instanceId) return;
    try {
      await this.handlers.onEvent(event);
    } catch (error) {
      this.log(`re-checking connections for a message on ${this.channel} failed: ${String(error)}`);
    }
  }

  private async resubscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.lost = false;
      await this.handlers.onResubscribed();
    } catch (error) {
      // The next reconnect tries again.
      this.log(`re-subscribing to ${this.channel} or the re-check after it failed: ${String(error)}`);
    }
  }
}
