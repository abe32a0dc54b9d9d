// The store options shared by the admin commands, which work on the database directly.
import type { Command } from 'commander';
import { resolveServeConfig } from '../config.js';
import type { Store } from '../store/store.js';

export function withStoreOptions(command: Command): Command {
  return command.option('--data-dir <dir>', 'where the SQLite file lives (env SPOOL_DATA_DIR, default ./data)');
}

export async function openStoreFor(flags: { dataDir?: string }): Promise<Store> {
  const config = resolveServeConfig({ dataDir: flags.dataDir }, process.env);
  // Loaded here, not at start-up, so that the client commands do not load the database driver.
  const { openSqliteStore } = await import('../store/sqlite.js');
  return openSqliteStore(config.sqliteFile, config.durability);
}
