// Opens the store the configuration names: PostgreSQL when a database URL is given, else SQLite.
import { openPostgresStore } from './postgres.js';
import { type Durability, openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export interface StoreSettings {
  /** postgres://…; when absent, the SQLite file is used. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  statementTimeoutMs: number;
  sqliteFile: string;
  durability: Durability;
  /** SQLite: the WAL file's size past which the background checkpointer empties it. */
  sqliteWalLimitBytes?: number;
}

export function openStore(
  settings: StoreSettings,
  onConnectionError?: (error: Error) => void,
  onCheckpointError?: (message: string) => void,
): Promise<Store> {
  if (settings.databaseUrl === undefined) {
    return openSqliteStore(settings.sqliteFile, {
      durability: settings.durability,
      ...(settings.sqliteWalLimitBytes !== undefined ? { walLimitBytes: settings.sqliteWalLimitBytes } : {}),
      ...(onCheckpointError ? { onCheckpointError } : {}),
    });
  }
  return openPostgresStore({
    url: settings.databaseUrl,
    poolSize: settings.databasePoolSize,
    statementTimeoutMs: settings.statementTimeoutMs,
    ...(onConnectionError ? { onConnectionError } : {}),
  });
}
