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
}

export function openStore(settings: StoreSettings, onConnectionError?: (error: Error) => void): Promise<Store> {
  if (settings.databaseUrl === undefined) return openSqliteStore(settings.sqliteFile, settings.durability);
  return openPostgresStore({
    url: settings.databaseUrl,
    poolSize: settings.databasePoolSize,
    statementTimeoutMs: settings.statementTimeoutMs,
    ...(onConnectionError ? { onConnectionError } : {}),
  });
}
