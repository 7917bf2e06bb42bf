/**
 * Wiring: one HTTP server on one port serving the web page, the REST API under /api and the
 * collaboration websocket under /collab. Policy lives in the extensions and the service; this
 * file only connects them.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Hocuspocus } from '@hocuspocus/server';
import express from 'express';
import { WebSocketServer } from 'ws';
import { Authenticator } from './auth/authenticator';
import { AccessEvents } from './collab/accessEvents';
import { AnchorRepairExtension } from './collab/extensions/anchorRepair';
import { ProjectCodebooks } from './collab/codebookCodes';
import { CodebookVersionsExtension } from './collab/extensions/codebookVersions';
import { DurableLogExtension } from './collab/extensions/durableLog';
import { DocumentGateway } from './collab/gateway';
import { collabGates } from './collab/gates';
import { BridgeSockets } from './collab/interop/bridgeSockets';
import { YjsBridge, yjsBridgePathPrefix } from './collab/interop/yjsBridge';
import type { Refusals } from './collab/refusals';
import { redisExtension } from './collab/redis';
import type { CocodeConfig } from './config';
import { requireUser } from './rest/authenticate';
import { restApi } from './rest/api';
import { securityHeaders } from './rest/securityHeaders';
import { createServices, type Services } from './services';
import { openStorage } from './storage/open';
import type { Storage } from './storage/types';

export interface CocodeServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  services: Services;
  storage: Storage;
  hocuspocus: Hocuspocus;
  anchorRepair: AnchorRepairExtension;
  durableLog: DurableLogExtension;
  /** Counts of refused hostile or over-limit input, by close code (SPEC H8). */
  refusals: Refusals;
  /** Stops accepting, closes connections, compacts every open document, closes the store. */
  close(): Promise<void>;
}

/** Delay between the last transcript edit and the anchor repair pass. */
const anchorRepairDebounceMs = 300;

/** `storage` replaces the configured store (benchmarks compare against a non-durable one). */
export async function startCocodeServer(config: CocodeConfig, injected: { storage?: Storage } = {}): Promise<CocodeServer> {
  const log = (message: string) => {
    if (!config.quiet) console.log(`[cocode] ${message}`);
  };
  if (config.redisUrl && !config.databaseUrl)
    throw new Error('REDIS_URL needs DATABASE_URL: instances sharing live documents must share one database');
  const storage = injected.storage ?? (await openStorage(config));
  const authenticator = new Authenticator(storage.relational);
  const durableLog = new DurableLogExtension(storage.documents, log);
  const anchorRepair = new AnchorRepairExtension(storage.relational, anchorRepairDebounceMs, log);
  // Bridge sockets and codebooks are filled in after Hocuspocus exists; the gates see them at once.
  const bridgeSockets = new BridgeSockets();
  const codebooks = new ProjectCodebooks();
  const codebookVersions = new CodebookVersionsExtension();
  const gates = collabGates({
    limits: config.limits,
    authenticator,
    bridgeSockets,
    codebooks,
    publicOrigins: config.publicOrigins,
    erased: durableLog.erased,
    log,
  });
  // Access changes, ended credentials and erased documents reach connections here and, with Redis, on every instance.
  const accessEvents = new AccessEvents({
    store: storage.relational,
    bridgeSockets,
    durableLog,
    documents: storage.documents,
    publishWaitMs: config.limits.accessEventPublishWaitMs,
    log,
  });
  const hocuspocus = new Hocuspocus({
    quiet: true,
    debounce: config.storeDebounceMs,
    maxDebounce: config.storeMaxDebounceMs,
    extensions: [
      // Before the durable log: a refused update must not reach an awaited append.
      ...gates.extensions,
      accessEvents,
      durableLog,
      anchorRepair,
      codebookVersions,
      ...(config.redisUrl ? [await redisExtension(config.redisUrl, config.redisPrefix)] : []),
    ],
  });
  // Subscribed before the port opens, so no connection is taken that could miss a change.
  if (config.redisUrl) await accessEvents.connectRedis(config.redisUrl, config.redisPrefix);
  const gateway = new DocumentGateway(hocuspocus, durableLog);
  anchorRepair.attach(gateway);
  codebooks.attach(gateway);
  const services = createServices(
    {
      store: storage.relational,
      gateway,
      config,
      accessChanged: (projectId) => accessEvents.accessChanged(projectId),
      credentialsRevoked: (tokenHashes) => accessEvents.credentialsRevoked(tokenHashes),
      eraseDocuments: (scope) => accessEvents.documentsErased(scope),
    },
    durableLog,
  );
  codebookVersions.attach(services.codebookHistory);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders);
  app.use('/api', restApi(services, config, requireUser(authenticator), log));

  if (config.serveClient && existsSync(config.clientDistDir)) {
    app.use(express.static(config.clientDistDir, { index: false, maxAge: '1h' }));
    // The page routes on the client; every other GET gets the app shell.
    app.get(/.*/, (_req, res) => {
      res.sendFile(path.join(config.clientDistDir, 'index.html'));
    });
  }

  const httpServer = http.createServer(app);
  const collabSockets = new WebSocketServer({ noServer: true, maxPayload: config.limits.websocketMaxPayloadBytes });
  collabSockets.on('connection', (socket, request) => {
    // An unhandled socket error event would crash the process (e.g. an invalid frame).
    socket.on('error', (error) => log(`websocket error: ${error.message}`));
    gates.guardSocket(socket, request);
    hocuspocus.handleConnection(socket, request);
  });
  const yjsBridge = new YjsBridge({
    hocuspocus,
    gate: gates.documentGate,
    refusals: gates.refusals,
    sockets: bridgeSockets,
    limits: config.limits,
    log,
  });
  httpServer.on('upgrade', (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === '/collab' || pathname.startsWith('/collab/')) {
      collabSockets.handleUpgrade(request, socket, head, (ws) => collabSockets.emit('connection', ws, request));
    } else if (pathname.startsWith(yjsBridgePathPrefix)) {
      yjsBridge.handleUpgrade(request, socket, head);
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const displayHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      const stopped = new Promise((resolve) => httpServer.close(resolve));
      hocuspocus.closeConnections();
      for (const socket of collabSockets.clients) socket.terminate();
      await yjsBridge.close();
      httpServer.closeAllConnections();
      await anchorRepair.flush();
      // Hocuspocus unloads (and compacts) documents asynchronously after their last connection
      // closed; give it a moment so the store is not closed underneath it.
      const deadline = Date.now() + 2_000;
      while (hocuspocus.getDocumentsCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      gateway.stop();
      for (const document of hocuspocus.documents.values()) {
        // Run a pending debounced store now instead of leaving its timer behind the closed store.
        const storeId = `onStoreDocument-${document.name}`;
        if (hocuspocus.debouncer.isDebounced(storeId)) await hocuspocus.debouncer.executeNow(storeId);
        if (!durableLog.keepsStoredState(document.name)) await storage.documents.compact(document.name, document);
      }
      collabSockets.close();
      // Extensions release what they hold (the Redis extension and the access events their connections).
      await hocuspocus.hooks('onDestroy', { instance: hocuspocus });
      await stopped;
      await storage.close();
    })();
    return closing;
  };

  return {
    url: `http://${displayHost}:${port}`,
    port,
    services,
    storage,
    hocuspocus,
    anchorRepair,
    durableLog,
    refusals: gates.refusals,
    close,
  };
}
