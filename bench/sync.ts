/**
 * Update propagation on one document: cocode (the real server with authentication and the durable
 * log, Hocuspocus providers) side by side with a bare y-websocket relay (bench/relay.ts, y-websocket
 * providers), for 1, 10 and 50 writers plus one passive observer.
 *
 * - paced: every writer pushes a small entry to a Y.Array at a fixed rate (open loop; 10/s each for 1
 *   and 10 writers, 4/s each for 50 so that one client process can keep up). Latency is receive
 *   time minus send time at every other client (all clients share this process and its clock); the
 *   first second is warm-up and not recorded.
 * - saturated: every writer pushes its next entry as soon as the observer has received the previous
 *   one (closed loop); throughput is entries the observer received per second.
 *
 * Each server runs in its own child process, started fresh for every run, so the two never share
 * an event loop with the clients or with each other. Rounds alternate which system goes first and
 * their samples are pooled, to even out background load. Loopback only; stops by itself.
 *
 *   npm run bench:sync
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startCocodeServer } from '../server/app';
import { loadConfig } from '../server/config';
import { documentNames } from '../shared/collab/documentNames';
import { startRelay } from './relay';

const writerCounts = [1, 10, 50];
const pacedUpdatesPerSecondPerWriter: Record<number, number> = { 1: 10, 10: 10, 50: 4 };
const warmupSeconds = 1;
const pacedSeconds = 4;
const rounds = 3;
const saturatedSeconds = 3;
/** Longest wait for late deliveries after the writers stopped; what is missing then counts as lost. */
const drainMs = 3_000;
const connectTimeoutMs = 30_000;
/** The whole benchmark gives up (and says so) after this long. */
const watchdogMs = 10 * 60_000;
const host = '127.0.0.1';

type System = 'relay' | 'cocode';

/** What a server child reports once it listens. */
interface ServerReady {
  url: string;
  token: string | null;
  /** One document for the paced and one for the saturated phase. */
  documents: [string, string];
}

interface Entry {
  writer: number;
  seq: number;
  sentAt: number;
  padding: string;
}

interface BenchClient {
  doc: Y.Doc;
  synced: Promise<void>;
  destroy(): void;
}

interface PhaseResult {
  sent: number;
  deliveries: number;
  expectedDeliveries: number;
  seconds: number;
  latenciesMs: number[];
}

interface RunResult {
  system: System;
  writers: number;
  paced: PhaseResult;
  saturated: PhaseResult;
  serverCpuSeconds: number;
  /** CPU of this process (all clients) during the run: the clients are the usual bottleneck. */
  clientCpuSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// Server side (child process)

async function serveCocode(): Promise<{ ready: ServerReady; close(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cocode-bench-'));
  const server = await startCocodeServer(
    loadConfig({}, { port: 0, host, dataDir, quiet: true, openRegistration: true, seedDemo: false, serveClient: false }),
  );
  const api = async (method: string, route: string, body: unknown, token?: string) => {
    const response = await fetch(`${server.url}/api${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const owner = await api('POST', '/auth/register', { email: 'bench@example.org', password: 'correct horse battery', name: 'Bench' });
  const project = await api('POST', '/projects', { name: 'Bench', blind: false }, owner.token);
  const layerOfNewDocument = async () => {
    const document = await api('POST', `/projects/${project.id}/documents`, { title: 'Bench', text: 'A: one turn.' }, owner.token);
    return documentNames.layer(document.id, owner.user.id);
  };
  const documents: [string, string] = [await layerOfNewDocument(), await layerOfNewDocument()];
  return {
    ready: { url: `${server.url.replace(/^http/, 'ws')}/collab`, token: owner.token, documents },
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function serveRelay(): Promise<{ ready: ServerReady; close(): Promise<void> }> {
  const relay = await startRelay(host);
  return { ready: { url: relay.url, token: null, documents: ['paced', 'saturated'] }, close: relay.close };
}

async function serve(system: System): Promise<void> {
  const send = (message: unknown) => process.send?.(message);
  const server = system === 'cocode' ? await serveCocode() : await serveRelay();
  let cpuAtReady = process.cpuUsage();
  process.on('message', async (message) => {
    if (message === 'measure') cpuAtReady = process.cpuUsage();
    if (message !== 'stop') return;
    const cpu = process.cpuUsage(cpuAtReady);
    await server.close();
    send({ serverCpuSeconds: (cpu.user + cpu.system) / 1e6 });
    process.exit(0);
  });
  // The parent going away must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  send(server.ready);
}

// ---------------------------------------------------------------------------------------------
// Client side (this process)

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function connectCocode(ready: ServerReady, name: string): BenchClient {
  const doc = new Y.Doc();
  const socket = new HocuspocusProviderWebsocket({ url: ready.url, WebSocketPolyfill: WebSocket as never });
  let resolveSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    resolveSynced = resolve;
  });
  const provider = new HocuspocusProvider({
    websocketProvider: socket,
    name,
    token: ready.token ?? '',
    document: doc,
    onSynced: () => resolveSynced(),
  });
  provider.attach();
  return {
    doc,
    synced,
    destroy() {
      provider.destroy();
      socket.destroy();
    },
  };
}

function connectRelay(ready: ServerReady, name: string): BenchClient {
  const doc = new Y.Doc();
  // No BroadcastChannel: providers in one process would otherwise sync around the relay.
  const provider = new WebsocketProvider(ready.url, name, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
  const synced = new Promise<void>((resolve) => {
    provider.on('sync', (isSynced: boolean) => {
      if (isSynced) resolve();
    });
  });
  return { doc, synced, destroy: () => provider.destroy() };
}

const entries = (doc: Y.Doc) => doc.getArray<Entry>('entries');

/**
 * Connects `writers + 1` clients (the last one only observes) and records, at every client, the
 * latency of every entry written by someone else.
 */
async function connectAll(connect: (name: string) => BenchClient, name: string, writers: number, isRecorded = (_entry: Entry) => true) {
  const clients = Array.from({ length: writers + 1 }, () => connect(name));
  await withTimeout(Promise.all(clients.map((client) => client.synced)), connectTimeoutMs, `${writers + 1} clients syncing ${name}`);
  const latenciesMs: number[] = [];
  const observed = new Map<number, () => void>();
  let deliveries = 0;
  clients.forEach((client, index) => {
    const isObserver = index === writers;
    entries(client.doc).observe((event) => {
      const receivedAt = performance.now();
      for (const change of event.changes.delta) {
        for (const entry of (change.insert ?? []) as Entry[]) {
          if (entry.writer === index || !isRecorded(entry)) continue;
          latenciesMs.push(receivedAt - entry.sentAt);
          deliveries += 1;
          if (isObserver) observed.get(entry.writer)?.();
        }
      }
    });
  });
  return {
    clients,
    latenciesMs,
    deliveries: () => deliveries,
    /** Resolves when the observer receives the next entry of `writer`. */
    nextObserved: (writer: number) =>
      new Promise<void>((resolve) => {
        observed.set(writer, resolve);
      }),
  };
}

function push(client: BenchClient, writer: number, seq: number): void {
  entries(client.doc).push([{ writer, seq, sentAt: performance.now(), padding: 'coded segment 1234' }]);
}

async function waitForDeliveries(expected: number, deliveries: () => number): Promise<void> {
  const deadline = performance.now() + drainMs;
  while (deliveries() < expected && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function pacedPhase(connect: (name: string) => BenchClient, name: string, writers: number): Promise<PhaseResult> {
  const ratePerWriter = pacedUpdatesPerSecondPerWriter[writers];
  const periodMs = 1_000 / ratePerWriter;
  const warmupPerWriter = warmupSeconds * ratePerWriter;
  const recordedPerWriter = pacedSeconds * ratePerWriter;
  const run = await connectAll(connect, name, writers, (entry) => entry.seq >= warmupPerWriter);
  let recordingStarted = Number.POSITIVE_INFINITY;
  // Spread the writers over the period so they do not all fire in the same millisecond.
  await Promise.all(
    Array.from({ length: writers }, (_, writer) =>
      new Promise<void>((resolve) => {
        let seq = 0;
        setTimeout(() => {
          const timer = setInterval(() => {
            if (seq === warmupPerWriter) recordingStarted = Math.min(recordingStarted, performance.now());
            push(run.clients[writer], writer, seq);
            seq += 1;
            if (seq === warmupPerWriter + recordedPerWriter) {
              clearInterval(timer);
              resolve();
            }
          }, periodMs);
        }, (periodMs * writer) / writers);
      }),
    ),
  );
  const seconds = (performance.now() - recordingStarted) / 1_000;
  const sent = writers * recordedPerWriter;
  // Every entry goes to the other writers and to the observer.
  const expectedDeliveries = sent * writers;
  await waitForDeliveries(expectedDeliveries, run.deliveries);
  for (const client of run.clients) client.destroy();
  return { sent, deliveries: run.deliveries(), expectedDeliveries, seconds, latenciesMs: run.latenciesMs };
}

async function saturatedPhase(connect: (name: string) => BenchClient, name: string, writers: number): Promise<PhaseResult> {
  const run = await connectAll(connect, name, writers);
  const started = performance.now();
  const deadline = started + saturatedSeconds * 1_000;
  let sent = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let seq = 0; performance.now() < deadline; seq += 1) {
        const observed = run.nextObserved(writer);
        push(run.clients[writer], writer, seq);
        sent += 1;
        await withTimeout(observed, drainMs, `entry ${seq} of writer ${writer}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const expectedDeliveries = sent * writers;
  await waitForDeliveries(expectedDeliveries, run.deliveries);
  for (const client of run.clients) client.destroy();
  return { sent, deliveries: run.deliveries(), expectedDeliveries, seconds, latenciesMs: run.latenciesMs };
}

function startServer(system: System): Promise<{ child: ChildProcess; ready: ServerReady }> {
  // The child runs this file under the same loader (tsx) through the inherited exec arguments.
  const child = fork(fileURLToPath(import.meta.url), ['--serve', system], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return withTimeout(
    new Promise((resolve, reject) => {
      child.once('message', (ready) => resolve({ child, ready: ready as ServerReady }));
      child.once('exit', (code) => reject(new Error(`${system} server exited with ${code} before it was ready`)));
    }),
    connectTimeoutMs,
    `${system} server start`,
  );
}

function stopServer(child: ChildProcess): Promise<number> {
  return withTimeout(
    new Promise((resolve) => {
      child.once('message', (message) => resolve((message as { serverCpuSeconds: number }).serverCpuSeconds));
      child.send('stop');
    }),
    connectTimeoutMs,
    'server stop',
  );
}

async function measureRun(system: System, writers: number): Promise<RunResult> {
  const { child, ready } = await startServer(system);
  try {
    const connect = (name: string) => (system === 'cocode' ? connectCocode(ready, name) : connectRelay(ready, name));
    child.send('measure');
    const cpuBefore = process.cpuUsage();
    const paced = await pacedPhase(connect, ready.documents[0], writers);
    const saturated = await saturatedPhase(connect, ready.documents[1], writers);
    const clientCpu = process.cpuUsage(cpuBefore);
    const clientCpuSeconds = (clientCpu.user + clientCpu.system) / 1e6;
    return { system, writers, paced, saturated, serverCpuSeconds: await stopServer(child), clientCpuSeconds };
  } catch (error) {
    child.kill();
    throw error;
  }
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function summarize(phase: PhaseResult) {
  const sorted = [...phase.latenciesMs].sort((a, b) => a - b);
  return {
    updatesPerSecond: phase.sent / phase.seconds,
    deliveriesPerSecond: phase.deliveries / phase.seconds,
    lost: phase.expectedDeliveries - phase.deliveries,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const rate = (value: number) => Math.round(value).toLocaleString('en-US');
const ratio = (value: number) => `${value.toFixed(2)}×`;

function printResults(results: RunResult[]): void {
  const rows = results.map((result) => {
    const paced = summarize(result.paced);
    const saturated = summarize(result.saturated);
    return {
      writers: result.writers,
      system: result.system,
      'offered upd/s': rate(result.writers * pacedUpdatesPerSecondPerWriter[result.writers]),
      'paced upd/s': rate(paced.updatesPerSecond),
      'paced deliv/s': rate(paced.deliveriesPerSecond),
      'paced p50': ms(paced.p50),
      'paced p99': ms(paced.p99),
      'paced lost': paced.lost,
      'sat. upd/s': rate(saturated.updatesPerSecond),
      'sat. deliv/s': rate(saturated.deliveriesPerSecond),
      'sat. p50': ms(saturated.p50),
      'sat. p99': ms(saturated.p99),
      'server CPU s': result.serverCpuSeconds.toFixed(2),
      'client CPU s': result.clientCpuSeconds.toFixed(2),
    };
  });
  console.table(rows);

  console.log('\ncocode ÷ relay (latency: lower is better for both; throughput: cocode share of the relay)');
  let targetMet = true;
  for (const writers of writerCounts) {
    const cocode = results.find((result) => result.system === 'cocode' && result.writers === writers);
    const relay = results.find((result) => result.system === 'relay' && result.writers === writers);
    if (!cocode || !relay) continue;
    const [c, r] = [summarize(cocode.paced), summarize(relay.paced)];
    const [cs, rs] = [summarize(cocode.saturated), summarize(relay.saturated)];
    console.log(
      `  ${String(writers).padStart(2)} writers: paced p50 ${ratio(c.p50 / r.p50)}, paced p99 ${ratio(c.p99 / r.p99)}, ` +
        `saturated throughput ${ratio(cs.updatesPerSecond / rs.updatesPerSecond)}`,
    );
    if (writers === 50) targetMet = c.p99 / r.p99 <= 1.5;
  }
  console.log(`\ntarget (paced p99 at 50 writers within 1.5× of the relay): ${targetMet ? 'met' : 'MISSED'}`);
}

/** One result per system and writer count, with the samples of every round pooled. */
function pool(results: RunResult[]): RunResult[] {
  const merge = (a: PhaseResult, b: PhaseResult): PhaseResult => ({
    sent: a.sent + b.sent,
    deliveries: a.deliveries + b.deliveries,
    expectedDeliveries: a.expectedDeliveries + b.expectedDeliveries,
    seconds: a.seconds + b.seconds,
    latenciesMs: a.latenciesMs.concat(b.latenciesMs),
  });
  const pooled = new Map<string, RunResult & { runs: number }>();
  for (const result of results) {
    const key = `${result.writers} ${result.system}`;
    const seen = pooled.get(key);
    pooled.set(
      key,
      seen
        ? {
            ...seen,
            paced: merge(seen.paced, result.paced),
            saturated: merge(seen.saturated, result.saturated),
            serverCpuSeconds: seen.serverCpuSeconds + result.serverCpuSeconds,
            clientCpuSeconds: seen.clientCpuSeconds + result.clientCpuSeconds,
            runs: seen.runs + 1,
          }
        : { ...result, runs: 1 },
    );
  }
  return [...pooled.values()].map(({ runs, ...result }) => ({
    ...result,
    serverCpuSeconds: result.serverCpuSeconds / runs,
    clientCpuSeconds: result.clientCpuSeconds / runs,
  }));
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`benchmark did not finish within ${watchdogMs / 1_000} s; giving up`);
    process.exit(1);
  }, watchdogMs);
  watchdog.unref();
  // Every y-websocket provider adds a process exit listener; 51 of them are expected, not a leak.
  process.setMaxListeners(2 * Math.max(...writerCounts) + 10);
  const rates = writerCounts.map((writers) => `${writers}×${pacedUpdatesPerSecondPerWriter[writers]}/s`).join(', ');
  console.log(
    `paced: ${rates} for ${pacedSeconds} s after ${warmupSeconds} s warm-up; saturated: closed loop for ${saturatedSeconds} s; ` +
      `+1 observer; ${rounds} rounds pooled; node ${process.version}; servers in child processes on ${host}\n`,
  );
  const results: RunResult[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const order: System[] = round % 2 === 0 ? ['relay', 'cocode'] : ['cocode', 'relay'];
    for (const writers of writerCounts) {
      for (const system of order) {
        process.stdout.write(`round ${round + 1}: ${system}, ${writers} writer(s)… `);
        const result = await measureRun(system, writers);
        console.log(`paced p99 ${ms(summarize(result.paced).p99)}, saturated ${rate(summarize(result.saturated).updatesPerSecond)} upd/s`);
        results.push(result);
      }
    }
  }
  console.log('');
  printResults(pool(results));
  process.exit(0);
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] as System);
} else {
  await main();
}
