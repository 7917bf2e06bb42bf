/** SPEC D1 under fire: the fast chaos variant (the long one is `npm run test:chaos -- --kills 200`). */
import { describe, expect, it } from 'vitest';
import { createTestDatabase, postgresAvailable } from '../helpers/services';
import { runChaos } from './chaos';

describe('chaos: SIGKILL while clients write', () => {
  it('[D1] 10 kills on SQLite lose no acknowledged write, and clients converge', async () => {
    const result = await runChaos({ kills: 10, seed: 42 });
    console.log(`chaos (SQLite): kills ${result.kills}, acknowledged writes ${result.acknowledged}, lost writes ${result.lost}`);
    expect(result.acknowledged).toBeGreaterThan(50);
    expect(result.lostIds).toEqual([]);
    expect(result.converged).toBe(true);
  }, 180_000);

  it.skipIf(!postgresAvailable)('[D1] 5 kills on PostgreSQL lose no acknowledged write, and clients converge', async () => {
    const database = await createTestDatabase();
    try {
      const result = await runChaos({ kills: 5, seed: 7, env: { DATABASE_URL: database.url } });
      console.log(`chaos (PostgreSQL): kills ${result.kills}, acknowledged writes ${result.acknowledged}, lost writes ${result.lost}`);
      expect(result.acknowledged).toBeGreaterThan(20);
      expect(result.lostIds).toEqual([]);
      expect(result.converged).toBe(true);
    } finally {
      await database.drop();
    }
  }, 180_000);
});
