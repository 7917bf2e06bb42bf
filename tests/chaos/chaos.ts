/**
 * The chaos run (SPEC D1): a real server process, clients writing codings over REST and over
 * websockets, SIGKILL at a random moment, restart on the same data, and a check that every write
 * that had been acknowledged is still there and that reconnecting clients converge.
 *
 * A REST write counts as acknowledged when it was answered 201; a websocket write when another
 * client received it (the server had applied and broadcast it).
 */
import { rmSync } from 'node:fs';
import { createSeededRandom } from '../../shared/agreement/random';
import { documentNames } from '../../shared/collab/documentNames';
import { putCoding, readCodings } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { type ChildServer, startChildServer } from '../helpers/childServer';
import { codingAt } from '../helpers/codings';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { Api, makeDataDir, sampleTranscript } from '../helpers/server';

export interface ChaosOptions {
  kills: number;
  restWriters?: number;
  socketWriters?: number;
  /** Environment for the server (e.g. DATABASE_URL for PostgreSQL). */
  env?: Record<string, string>;
  seed?: number;
  log?: (line: string) => void;
}

export interface ChaosResult {
  kills: number;
  acknowledged: number;
  lost: number;
  lostIds: string[];
  converged: boolean;
}


interface Writer {
  id: string;
  token: string;
  layer: string;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { kills, restWriters = 2, socketWriters = 2, env = {}, log = () => {} } = options;
  const next = createSeededRandom(options.seed ?? 1).next;
  const dataDir = makeDataDir();
  let server: ChildServer = await startChildServer(dataDir, env);
  try {
    const register = async (name: string) => {
      const response = await new Api(server.url).post('/auth/register', { email: `${name}@example.org`, password: 'correct horse battery', name });
      return { id: response.body.user.id as string, token: response.body.token as string };
    };
    const owner = await register('owner');
    const ownerApi = new Api(server.url, owner.token);
    const project = (await ownerApi.post('/projects', { name: 'Chaos', blind: false })).body;
    const codeId = (await ownerApi.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body.id as string;
    const documentId = (await ownerApi.post(`/projects/${project.id}/documents`, { title: 'I', text: sampleTranscript })).body.id as string;
    const writers: Writer[] = [];
    for (let i = 0; i < restWriters + socketWriters; i += 1) {
      await ownerApi.post(`/projects/${project.id}/members`, { email: `coder${i}@example.org`, role: 'coder' });
      const coder = await register(`coder${i}`);
      writers.push({ ...coder, layer: documentNames.layer(documentId, coder.id) });
    }
    const transcriptText = (await ownerApi.get(`/projects/${project.id}/documents/${documentId}`)).body.text as string;
    const acknowledged = new Map<string, string>(); // coding id → coder id
    const lost = new Set<string>();
    const missingAfterRestart = async () => {
      const reader = new Api(server.url, owner.token);
      const stored = new Set<string>();
      for (const writer of writers) {
        const codings = (await reader.get(`/projects/${project.id}/documents/${documentId}/codings?layer=${writer.id}`)).body as { id: string }[];
        for (const coding of codings) stored.add(coding.id);
      }
      return [...acknowledged.keys()].filter((id) => !stored.has(id));
    };

    for (let kill = 0; kill < kills; kill += 1) {
      let running = true;
      const providers: TestProvider[] = [];
      const loops: Promise<void>[] = [];
      for (const writer of writers.slice(0, restWriters)) {
        const api = new Api(server.url, writer.token);
        loops.push(
          (async () => {
            while (running) {
              const start = Math.floor(next() * (transcriptText.length - 10));
              try {
                const response = await api.post(`/projects/${project.id}/documents/${documentId}/codings`, { codeId, start, end: start + 5 });
                if (response.status === 201) acknowledged.set(response.body.id, writer.id);
              } catch {
                return; // the server is gone
              }
            }
          })(),
        );
      }
      for (const writer of writers.slice(restWriters)) {
        const transcript = connectProvider(server.wsUrl, documentNames.transcript(documentId), writer.token);
        const own = connectProvider(server.wsUrl, writer.layer, writer.token);
        const observer = connectProvider(server.wsUrl, writer.layer, owner.token);
        providers.push(transcript, own, observer);
        await Promise.all([transcript.synced, own.synced, observer.synced]);
        const index = new TranscriptIndex(transcript.doc);
        const seen = () => {
          for (const coding of readCodings(observer.doc)) acknowledged.set(coding.id, writer.id);
        };
        observer.doc.on('update', seen);
        loops.push(
          (async () => {
            while (running) {
              const start = Math.floor(next() * (index.length - 10));
              putCoding(own.doc, codingAt(index, start, start + 5, codeId, writer.id));
              await new Promise((resolve) => setTimeout(resolve, 5));
            }
          })(),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100 + next() * 600));
      server.process.kill('SIGKILL');
      await server.exited;
      running = false;
      await Promise.all(loops);
      for (const provider of providers) provider.destroy();
      server = await startChildServer(dataDir, env);
      // Checked after every restart, so a long run that is interrupted still says what it found.
      const missing = await missingAfterRestart();
      for (const id of missing) lost.add(id);
      log(`kill ${kill + 1}/${kills}: ${acknowledged.size} acknowledged so far, ${lost.size} lost`);
    }

    // Every acknowledged write must be there after the last restart, and fresh clients converge.
    const lostIds = [...lost];
    let converged = true;
    for (const writer of writers) {
      const first = connectProvider(server.wsUrl, writer.layer, owner.token);
      const second = connectProvider(server.wsUrl, writer.layer, writer.token);
      await Promise.all([first.synced, second.synced]);
      try {
        await eventually(() => {
          const a = readCodings(first.doc).map((c) => c.id).sort();
          const b = readCodings(second.doc).map((c) => c.id).sort();
          if (a.join() !== b.join()) throw new Error('replicas differ');
        }, 10_000);
      } catch {
        converged = false;
      }
      first.destroy();
      second.destroy();
    }
    return { kills, acknowledged: acknowledged.size, lost: lostIds.length, lostIds, converged };
  } finally {
    server.process.kill('SIGKILL');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}
