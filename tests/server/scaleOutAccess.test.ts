/**
 * Access changes and ended credentials on PostgreSQL + Redis with two instances (SPEC S1, A3, A9):
 * a change made through instance one closes the connections it narrows on instance two, including
 * connections that were authenticating on instance two while the change was in flight; a malformed
 * message on the channel is ignored; after a lost subscription every connection is re-checked.
 */
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentNames } from '../../shared/collab/documentNames';
import { readCodings } from '../../shared/collab/schema';
import { accessEventChannelName } from '../../server/collab/accessEvents';
import { type ChildServer, startChildServer } from '../helpers/childServer';
import { eventually } from '../helpers/poll';
import { connectProvider, type TestProvider } from '../helpers/providers';
import { Api, makeDataDir, sampleTranscript } from '../helpers/server';
import { createTestDatabase, postgresAvailable, redisAvailable, redisUrl, type TestDatabase, uniqueRedisPrefix } from '../helpers/services';

const available = postgresAvailable && redisAvailable;
const password = 'correct horse battery';
/**
 * Transcripts whose layers the races open. More than are opened before the change, so the change
 * meets connections whose document is still loading from PostgreSQL on instance two: the window
 * between reading one's access and joining the document.
 */
const transcriptCount = 32;
/** Connections being opened at the same time during a race. */
const concurrentOpeners = 8;
/** Connections opened before the change, and attempts started after its REST answer. */
const openBeforeChange = 12;
const attemptsAfterChange = 32;

interface Account {
  id: string;
  token: string;
  api: Api;
}

/** One attempt to open a document, followed to the server's last word on it. */
interface Attempt {
  name: string;
  connection: TestProvider;
  state: 'pending' | 'open' | 'refused' | 'closed';
  /** The reason of the refusal or of the server's close. */
  reason: string;
  answered: Promise<void>;
}

function attemptOpen(server: ChildServer, name: string, token: string): Attempt {
  const connection = connectProvider(server.wsUrl, name, token);
  let answer: () => void = () => {};
  const attempt: Attempt = { name, connection, state: 'pending', reason: '', answered: new Promise((resolve) => (answer = resolve)) };
  connection.provider.on('authenticated', () => {
    if (attempt.state === 'pending') attempt.state = 'open';
    answer();
  });
  connection.authenticationFailure.then((reason) => {
    if (attempt.state === 'pending') {
      attempt.state = 'refused';
      attempt.reason = reason;
    }
    answer();
  });
  // The server closing this document's connection (4403 / 4401 arrive as their reason).
  connection.provider.on('close', ({ event }: { event: { reason: string } }) => {
    if (attempt.state !== 'open') return;
    attempt.state = 'closed';
    attempt.reason = event.reason;
  });
  return attempt;
}

/**
 * Opens connections in a loop, `concurrentOpeners` at a time, cycling through `names`; once
 * `openBeforeChange` are open it runs `change` and keeps opening until `attemptsAfterChange` more
 * attempts have started after the change's REST answer.
 */
async function raceOpeningAgainst(open: (name: string) => Attempt, names: string[], change: () => Promise<void>): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let stop = false;
  const opener = async () => {
    while (!stop) {
      const attempt = open(names[attempts.length % names.length]);
      attempts.push(attempt);
      await Promise.race([attempt.answered, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    }
  };
  const openers = Array.from({ length: concurrentOpeners }, opener);
  await eventually(() => expect(attempts.filter((attempt) => attempt.state === 'open').length).toBeGreaterThanOrEqual(openBeforeChange), 60_000);
  await change();
  const startedBeforeAnswer = attempts.length;
  await eventually(() => expect(attempts.length).toBeGreaterThanOrEqual(startedBeforeAnswer + attemptsAfterChange), 60_000);
  stop = true;
  await Promise.all(openers);
  return attempts;
}

/** Counts of attempts by final state and reason, e.g. `{"closed: Forbidden": 20, "refused: forbidden: blind mode …": 40}`. */
function outcomes(attempts: Attempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const attempt of attempts) {
    const key = attempt.state === 'pending' || attempt.state === 'open' ? attempt.state : `${attempt.state}: ${attempt.reason}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

function linesOf(server: ChildServer, pattern: RegExp): string[] {
  return server.output().split('\n').filter((line) => pattern.test(line));
}

describe.skipIf(!available)('access changes reach every instance (PostgreSQL + Redis, two instances)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  const attemptsToClose: Attempt[] = [];
  let database: TestDatabase;
  let prefix: string;
  let one: ChildServer;
  let two: ChildServer;
  let owner: Account;
  let coderA: Account;
  let coderB: Account;
  let projectId: string;
  let codeId: string;
  let documentIds: string[];

  const register = async (server: ChildServer, name: string): Promise<Account> => {
    const response = await new Api(server.url).post('/auth/register', { email: `${name}@example.org`, password, name });
    expect(response.status).toBe(201);
    return { id: response.body.user.id, token: response.body.token, api: new Api(server.url, response.body.token) };
  };
  const track = (attempt: Attempt) => {
    attemptsToClose.push(attempt);
    return attempt;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    cleanups.push(() => database.drop());
    prefix = uniqueRedisPrefix();
    const env = { DATABASE_URL: database.url, REDIS_URL: redisUrl, COCODE_REDIS_PREFIX: prefix };
    const dataDir = makeDataDir();
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    [one, two] = await Promise.all([startChildServer(dataDir, env), startChildServer(dataDir, env)]);
    cleanups.push(async () => {
      for (const server of [one, two]) server.process.kill('SIGKILL');
      await Promise.all([one.exited, two.exited]);
    });
    owner = await register(one, 'owner');
    projectId = (await owner.api.post('/projects', { name: 'Race', blind: false })).body.id;
    codeId = (await owner.api.post(`/projects/${projectId}/codes`, { name: 'Barrier' })).body.id;
    documentIds = [];
    for (let i = 0; i < transcriptCount; i += 1)
      documentIds.push((await owner.api.post(`/projects/${projectId}/documents`, { title: `I${i}`, text: sampleTranscript })).body.id);
    for (const email of ['a@example.org', 'b@example.org'])
      expect((await owner.api.post(`/projects/${projectId}/members`, { email, role: 'coder' })).status).toBe(201);
    coderA = await register(two, 'a');
    coderB = await register(one, 'b');
  }, 180_000);

  afterAll(async () => {
    for (const attempt of attemptsToClose) attempt.connection.destroy();
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('[S1][A3] turning blind mode on through instance one leaves no connection to another coder\'s layer open on instance two, however the opening races it', async () => {
    const layersOfB = documentIds.map((documentId) => documentNames.layer(documentId, coderB.id));
    const attempts = await raceOpeningAgainst(
      (name) => track(attemptOpen(two, name, coderA.token)),
      layersOfB,
      async () => expect((await owner.api.patch(`/projects/${projectId}`, { blind: true })).status).toBe(200),
    );

    // Every connection opened before or during the change was closed by the server (4403), every
    // later one refused; none is open or unanswered.
    await eventually(() => {
      const counts = outcomes(attempts);
      expect(Object.keys(counts).every((key) => key === 'closed: Forbidden' || key.startsWith('refused: forbidden: blind mode'))).toBe(true);
    }, 30_000).catch((error) => {
      throw new Error(`${String(error)}\noutcomes: ${JSON.stringify(outcomes(attempts))}`);
    });
    const counts = outcomes(attempts);
    expect(counts['closed: Forbidden']).toBeGreaterThanOrEqual(openBeforeChange);
    console.info(`[S1][A3] race outcomes on instance two: ${JSON.stringify(counts)}; joined mid-change and re-checked: ${linesOf(two, /authenticated while the access/).length}`);

    // The server's side of it: coder B's new codings reach coder B on instance two, and none of
    // coder A's connections receives them.
    const ownViews = await Promise.all(
      layersOfB.map(async (name) => {
        const view = track(attemptOpen(two, name, coderB.token));
        await view.connection.synced;
        return view;
      }),
    );
    const written: string[] = [];
    for (const documentId of documentIds) {
      const response = await coderB.api.post(`/projects/${projectId}/documents/${documentId}/codings`, { codeId, start: 0, end: 10 });
      expect(response.status).toBe(201);
      written.push(response.body.id);
    }
    await eventually(() => expect(ownViews.flatMap((view) => readCodings(view.connection.doc).map((c) => c.id)).sort()).toEqual([...written].sort()), 30_000);
    expect(attempts.flatMap((attempt) => readCodings(attempt.connection.doc).map((c) => c.id)).filter((id) => written.includes(id))).toEqual([]);
    expect(ownViews.every((view) => view.state === 'open')).toBe(true);
  }, 240_000);

  it('[S1][A9] signing out through instance one closes the session\'s connections on instance two, however the opening races it', async () => {
    const signedIn = await new Api(two.url).post('/auth/login', { email: 'a@example.org', password });
    expect(signedIn.status).toBe(200);
    const session: string = signedIn.body.token;
    const ownLayers = documentIds.map((documentId) => documentNames.layer(documentId, coderA.id));
    const otherSession = track(attemptOpen(two, documentNames.transcript(documentIds[0]), coderA.token));
    await otherSession.connection.synced;

    const attempts = await raceOpeningAgainst(
      (name) => track(attemptOpen(two, name, session)),
      ownLayers,
      async () => expect((await new Api(one.url, session).post('/auth/logout')).status).toBe(204),
    );

    await eventually(() => {
      const counts = outcomes(attempts);
      expect(Object.keys(counts).every((key) => key === 'closed: Unauthorized' || key.startsWith('refused: unauthorized'))).toBe(true);
    }, 30_000).catch((error) => {
      throw new Error(`${String(error)}\noutcomes: ${JSON.stringify(outcomes(attempts))}`);
    });
    const counts = outcomes(attempts);
    expect(counts['closed: Unauthorized']).toBeGreaterThanOrEqual(openBeforeChange);
    console.info(`[S1][A9] race outcomes on instance two: ${JSON.stringify(counts)}; joined mid-sign-out and re-checked: ${linesOf(two, /authenticated while credentials ended/).length}`);
    // Another credential of the same person keeps its connection.
    expect(otherSession.state).toBe('open');
    expect(otherSession.connection.provider.isSynced).toBe(true);
  }, 240_000);

  it('[S1] a malformed message on the channel is logged and ignored, and the next change still arrives', async () => {
    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.quit().then(() => undefined));
    const channel = accessEventChannelName(prefix);
    for (const junk of ['not json', '{"kind":"access-changed"}', JSON.stringify({ from: 'x', kind: 'credentials-ended', tokenHashes: ['secret'] }), '[]'])
      await redis.publish(channel, junk);
    await eventually(() => expect(linesOf(two, /ignored a malformed message/).length).toBe(4), 15_000);
    expect(linesOf(two, /ignored a malformed message .*tokenHashes\.0: must be a SHA-256 hex digest/)).toHaveLength(1);
    for (const server of [one, two]) expect(server.process.exitCode).toBeNull();

    // Coder A's own layer on instance two; removing coder A through instance one closes it.
    const name = documentNames.layer(documentIds[0], coderA.id);
    const own = track(attemptOpen(two, name, coderA.token));
    await own.connection.synced;
    const removed = await owner.api.delete(`/projects/${projectId}/members/${coderA.id}`);
    expect(removed.status).toBe(204);
    await eventually(() => expect(`${own.state}: ${own.reason}`).toBe('closed: Forbidden'), 15_000);
    expect((await owner.api.post(`/projects/${projectId}/members`, { email: 'a@example.org', role: 'coder' })).status).toBe(201);
  }, 60_000);

  it('[S1][A3] after losing its Redis subscription an instance re-checks every connection against the store', async () => {
    // Blind mode is switched in PostgreSQL directly: no instance publishes anything, so only the
    // re-check after the lost subscription can close the connection. The earlier connections go
    // first, so no re-check of an earlier change is still under way.
    for (const attempt of attemptsToClose) attempt.connection.destroy();
    const setBlind = async (blind: boolean) => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('UPDATE projects SET blind = $1 WHERE id = $2', [blind, projectId]);
      await client.end();
    };
    await setBlind(false);
    const watching = track(attemptOpen(two, documentNames.layer(documentIds[1], coderB.id), coderA.token));
    await watching.connection.synced;
    await setBlind(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(`${watching.state}: ${watching.reason}`).toBe('open: ');

    const redis = new Redis(redisUrl);
    cleanups.push(() => redis.quit().then(() => undefined));
    const subscriberName = `${accessEventChannelName(prefix)}:subscriber`;
    const clients = ((await redis.call('CLIENT', 'LIST')) as string).split('\n').filter((line) => line.includes(` name=${subscriberName} `));
    expect(clients).toHaveLength(2);
    for (const line of clients) await redis.call('CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(line)?.[1] ?? '');

    await eventually(() => expect(`${watching.state}: ${watching.reason}`).toBe('closed: Forbidden'), 15_000);
    expect(linesOf(two, /lost the subscription/)).toHaveLength(1);
    await eventually(() => expect(linesOf(two, /re-checked \d+ open connections after the access-event subscription was restored/)).toHaveLength(1));
  }, 60_000);

  it('[D5] both instances stop on SIGTERM with exit code 0 while subscribed to the channel', async () => {
    for (const attempt of attemptsToClose) attempt.connection.destroy();
    for (const server of [one, two]) server.process.kill('SIGTERM');
    expect(await Promise.all([one.exited, two.exited])).toEqual([0, 0]);
  }, 60_000);
});
