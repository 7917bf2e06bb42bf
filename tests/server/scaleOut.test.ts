/**
 * Scale-out on PostgreSQL + Redis: two cocode processes serve the same documents; coders on
 * different instances see each other's codings live, and a SIGKILL of an instance loses nothing it
 * had acknowledged (SPEC D1, S1).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { documentNames } from '../../shared/collab/documentNames';
import { putCoding, readCodings } from '../../shared/collab/schema';
import { TranscriptIndex } from '../../shared/collab/transcriptIndex';
import { type ChildServer, startChildServer } from '../helpers/childServer';
import { codingAt } from '../helpers/codings';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { Api, makeDataDir, sampleTranscript } from '../helpers/server';
import { createTestDatabase, postgresAvailable, redisAvailable, redisUrl, uniqueRedisPrefix } from '../helpers/services';

const available = postgresAvailable && redisAvailable;

describe.skipIf(!available)('two instances sharing PostgreSQL and Redis', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('[S1][D1] coders on different instances co-code live, and SIGKILL loses nothing acknowledged', async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.drop());
    const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl, COCODE_REDIS_PREFIX: uniqueRedisPrefix() };
    const dataDir = makeDataDir();
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const servers: ChildServer[] = [];
    cleanups.push(() => {
      for (const server of servers) server.process.kill('SIGKILL');
    });
    const start = async () => {
      const server = await startChildServer(dataDir, env);
      servers.push(server);
      return server;
    };
    const [one, two] = [await start(), await start()];

    const register = async (server: ChildServer, name: string) => {
      const response = await new Api(server.url).post('/auth/register', { email: `${name}@example.org`, password: 'correct horse battery', name });
      expect(response.status).toBe(201);
      return { id: response.body.user.id as string, token: response.body.token as string, api: new Api(server.url, response.body.token) };
    };
    const owner = await register(one, 'owner');
    const project = (await owner.api.post('/projects', { name: 'Scale', blind: false })).body;
    const codeId = (await owner.api.post(`/projects/${project.id}/codes`, { name: 'Enabler' })).body.id;
    const documentId = (await owner.api.post(`/projects/${project.id}/documents`, { title: 'I', text: sampleTranscript })).body.id;
    for (const email of ['a@example.org', 'b@example.org'])
      expect((await owner.api.post(`/projects/${project.id}/members`, { email, role: 'coder' })).status).toBe(201);
    const coderA = await register(one, 'a');
    const coderB = await register(two, 'b');

    const providers: TestProvider[] = [];
    cleanups.push(() => {
      for (const provider of providers) provider.destroy();
    });
    const open = async (server: ChildServer, token: string, name: string) => {
      const provider = connectProvider(server.wsUrl, name, token);
      providers.push(provider);
      await provider.synced;
      return provider;
    };
    const transcriptOnOne = await open(one, coderA.token, documentNames.transcript(documentId));
    const layerAOnOne = await open(one, coderA.token, documentNames.layer(documentId, coderA.id));
    const layerAOnTwo = await open(two, coderB.token, documentNames.layer(documentId, coderA.id));
    const layerBOnOne = await open(one, coderA.token, documentNames.layer(documentId, coderB.id));

    // Coder A writes through instance one's websocket; coder B, on instance two, must see every one.
    const index = new TranscriptIndex(transcriptOnOne.doc);
    const written: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const coding = codingAt(index, i, i + 4, codeId, coderA.id);
      written.push(coding.id);
      putCoding(layerAOnOne.doc, coding);
    }
    await eventually(() => expect(readCodings(layerAOnTwo.doc).map((c) => c.id).sort()).toEqual([...written].sort()), 15_000);

    // Coder B writes over REST on instance two; coder A's editor on instance one receives it.
    const viaRest = await coderB.api.post(`/projects/${project.id}/documents/${documentId}/codings`, { codeId, start: 0, end: 10 });
    expect(viaRest.status).toBe(201);
    await eventually(() => expect(readCodings(layerBOnOne.doc).map((c) => c.id)).toEqual([viaRest.body.id]), 15_000);

    // Everything above was acknowledged (seen by another instance, or answered 201). Kill both
    // instances without any graceful store, then read the database through a fresh instance.
    for (const provider of providers) provider.destroy();
    providers.length = 0;
    for (const server of [one, two]) server.process.kill('SIGKILL');
    await Promise.all([one.exited, two.exited]);
    const three = await start();
    const reader = new Api(three.url, owner.token);
    const layerA = (await reader.get(`/projects/${project.id}/documents/${documentId}/codings?layer=${coderA.id}`)).body as { id: string }[];
    const layerB = (await reader.get(`/projects/${project.id}/documents/${documentId}/codings?layer=${coderB.id}`)).body as { id: string }[];
    expect(layerA.map((c) => c.id).sort()).toEqual([...written].sort());
    expect(layerB.map((c) => c.id)).toEqual([viaRest.body.id]);
  });
});
