/**
 * `npm run bench:durability`: what the durable update log costs (SPEC D1). One run, side by side:
 * cocode with its durable log (SQLite WAL, append before broadcast) and the same server whose log
 * discards updates (what plain debounced persistence would acknowledge), with N writers on one
 * coding layer. Closed loop: each writer sets a key, waits for the server's acknowledgement, and
 * writes again; an observer measures send → receive latency.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startCocodeServer } from '../server/app';
import { loadConfig } from '../server/config';
import { openSqliteStorage } from '../server/storage/sqlite';
import type { Storage } from '../server/storage/types';
import { documentNames } from '../shared/collab/documentNames';

const writers = Number(process.env.BENCH_WRITERS ?? 10);
const durationMs = Number(process.env.BENCH_DURATION_MS ?? 4_000);

interface Result {
  acknowledgedPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;

async function measure(label: string, makeStorage: (dir: string) => Storage): Promise<Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cocode-bench-'));
  const config = loadConfig({}, { port: 0, host: '127.0.0.1', dataDir: dir, quiet: true, serveClient: false, openRegistration: true });
  const server = await startCocodeServer(config, { storage: makeStorage(dir) });
  const owner = await server.services.accounts.register({ email: 'bench@example.org', password: 'correct horse battery', name: 'Bench' });
  const token = await server.services.accounts.issueToken(owner.id, 'api');
  const project = await server.services.projects.create(owner, { name: 'Bench', blind: false });
  const document = await server.services.documents.create(owner, project.id, { title: 'T', text: 'GP: words' });
  const name = documentNames.layer(document.id, owner.id);
  const url = `${server.url.replace(/^http/, 'ws')}/collab`;

  const connect = async () => {
    const socket = new HocuspocusProviderWebsocket({ url, WebSocketPolyfill: WebSocket as never });
    const doc = new Y.Doc();
    const provider = new HocuspocusProvider({ websocketProvider: socket, name, token, document: doc });
    provider.attach();
    await new Promise<void>((resolve) => provider.on('synced', () => resolve()));
    return { socket, doc, provider };
  };
  const observer = await connect();
  const latencies: number[] = [];
  observer.doc.getMap<number>('bench').observe((event) => {
    const now = performance.now();
    for (const key of event.keysChanged) latencies.push(now - (observer.doc.getMap<number>('bench').get(key) as number));
  });
  const clients = await Promise.all(Array.from({ length: writers }, connect));
  let acknowledged = 0;
  let running = true;
  const loops = clients.map(async (client, index) => {
    let sequence = 0;
    while (running) {
      const acked = new Promise<void>((resolve) => {
        const check = () => {
          if (client.provider.unsyncedChanges === 0) {
            client.provider.off('unsyncedChanges', check);
            resolve();
          }
        };
        client.provider.on('unsyncedChanges', check);
      });
      client.doc.getMap<number>('bench').set(`${index}:${sequence++}`, performance.now());
      await acked;
      acknowledged += 1;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  running = false;
  await Promise.race([Promise.all(loops), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  for (const client of [observer, ...clients]) {
    client.provider.destroy();
    client.socket.destroy();
  }
  await server.close();
  rmSync(dir, { recursive: true, force: true });
  const sorted = [...latencies].sort((a, b) => a - b);
  const result = { acknowledgedPerSecond: acknowledged / (durationMs / 1000), p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) };
  console.log(`${label.padEnd(34)} ${result.acknowledgedPerSecond.toFixed(0).padStart(8)} acked/s   p50 ${result.p50Ms.toFixed(2)} ms   p99 ${result.p99Ms.toFixed(2)} ms`);
  return result;
}

/** The real SQLite store, with a log that forgets: the cost baseline, never a product mode. */
function nonDurable(dir: string): Storage {
  const storage = openSqliteStorage(dir);
  return {
    ...storage,
    documents: {
      kind: 'sync',
      appendUpdate: () => 0,
      loadDocument: async () => ({ snapshot: null, updates: [] }),
      compact: async () => {},
      listDocumentNames: async () => [],
      eraseDocuments: async () => {},
    },
  };
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
console.log(`durability cost: ${writers} writers on one layer document, closed loop, ${durationMs} ms per run, ${rounds} alternating rounds after a warm-up\n`);
await measure('warm-up (not counted)', nonDurable);
const baselines: Result[] = [];
const durables: Result[] = [];
for (let round = 0; round < rounds; round += 1) {
  baselines.push(await measure('without durable log (in memory)', nonDurable));
  durables.push(await measure('cocode durable log (SQLite WAL)', openSqliteStorage));
}
const median = (results: Result[], key: keyof Result) => [...results.map((r) => r[key])].sort((a, b) => a - b)[Math.floor(results.length / 2)];
const ratio = (key: keyof Result) => (median(durables, key) / median(baselines, key)).toFixed(2);
console.log(
  `\nmedians: without log ${median(baselines, 'acknowledgedPerSecond').toFixed(0)} acked/s, durable ${median(durables, 'acknowledgedPerSecond').toFixed(0)} acked/s` +
    `\ndurable / non-durable: throughput ${ratio('acknowledgedPerSecond')}×, p50 ${ratio('p50Ms')}×, p99 ${ratio('p99Ms')}× (target: throughput ≥ 0.80×)`,
);
