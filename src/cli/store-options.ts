// The store options shared by the admin commands, which work on the database directly.
import type { Command } from 'commander';
import { resolveServeConfig } from '../config.js';
import type { Store } from '../store/store.js';

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
}

export function withStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the SQLite file lives (env SPOOL_DATA_DIR, default ./data)')
    .option(
      '--database-url <url>',
      'use PostgreSQL at this postgres:// URL instead of SQLite (env SPOOL_DATABASE_URL)',
    );
}

export async function openStoreFor(flags: StoreFlags): Promise<Store> {
  const config = resolveServeConfig({ dataDir: flags.dataDir, databaseUrl: flags.databaseUrl }, process.env);
  // Loaded here, not at start-up, so that the client commands do not load the database drivers.
  const { openStore } = await import('../store/open.js');
  return openStore(config);
}
