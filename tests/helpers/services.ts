/**
 * The machine's PostgreSQL (127.0.0.1:5432, trust auth, user postgres) and Redis (127.0.0.1:6379).
 * Each test gets its own database and key prefix. Outside CI an unreachable service skips its tests
 * with a visible notice; with CI=true it fails the run.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

export const postgresAdminUrl = process.env.COCODE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.COCODE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function required(name: string, host: string, port: number): Promise<boolean> {
  if (await reachable(host, port)) return true;
  if (process.env.CI) throw new Error(`${name} on ${host}:${port} is required in CI but unreachable`);
  console.warn(`NOTICE: ${name} on ${host}:${port} is unreachable; its tests are skipped.`);
  return false;
}

export const postgresAvailable = await required('PostgreSQL', '127.0.0.1', 5432);
export const redisAvailable = await required('Redis', '127.0.0.1', 6379);

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database; `drop()` removes it (terminating leftover connections first). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `cocode_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: postgresAdminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function uniqueRedisPrefix(): string {
  return `cocode-test-${randomBytes(6).toString('hex')}`;
}
