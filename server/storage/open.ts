import type { CocodeConfig } from '../config';
import { openSqliteStorage } from './sqlite';
import type { Storage } from './types';

/**
 * PostgreSQL when `DATABASE_URL` is set, otherwise the embedded SQLite file in the data folder.
 * The PostgreSQL store (and with it the `pg` driver, a few hundred milliseconds of start-up) is
 * loaded only when it is configured.
 */
export async function openStorage(config: CocodeConfig): Promise<Storage> {
  if (!config.databaseUrl) return openSqliteStorage(config.dataDir);
  const { openPostgresStorage } = await import('./postgres');
  return openPostgresStorage(config.databaseUrl);
}
