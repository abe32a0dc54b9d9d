// `spool migrate`: bring the database schema up to date, and nothing else.
import { Command } from 'commander';
import { openStoreFor, type StoreFlags, withStoreOptions } from './store-options.js';

export function migrateCommand(): Command {
  return withStoreOptions(new Command('migrate').description('Apply pending database migrations and exit.')).action(
    async (flags: StoreFlags) => {
      const store = await openStoreFor(flags);
      await store.close();
      process.stdout.write('migrations are up to date\n');
    },
  );
}
