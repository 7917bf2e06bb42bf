import type { CocodeConfig } from '../config';
import { openPostgresStorage } from './postgres';
import { openSqliteStorage } from './sqlite';
import type { Storage } from './types';

/** PostgreSQL when `DATABASE_URL` is set, otherwise the embedded SQLite file in the data folder. */
export function openStorage(config: CocodeConfig): Promise<Storage> {
  return config.databaseUrl ? openPostgresStorage(config.databaseUrl) : Promise.resolve(openSqliteStorage(config.dataDir));
}
