// `spool keys create|list|revoke`: API keys, managed on the database directly.
import { Command } from 'commander';
import { openStoreFor, withStoreOptions } from './store-options.js';

export function keysCommand(): Command {
  const keys = new Command('keys').description('Manage API keys (works on the database directly).');
  withStoreOptions(keys.command('create').description('Create a key; it is printed once and cannot be shown again.'))
    .option('--project <name>', 'the project the key belongs to', 'default')
    .option('--name <name>', 'a label for the key')
    .action(async (flags: { dataDir?: string; project: string; name?: string }) => {
      const store = await openStoreFor(flags);
      try {
        const { key, record } = await store.apiKeys.create(flags.project, flags.name ?? null);
        process.stdout.write(`${key}\n`);
        process.stderr.write(`created ${record.id} for project '${record.project}'; store the key now, it is not shown again\n`);
      } finally {
        await store.close();
      }
    });
  withStoreOptions(keys.command('list').description('List keys (never the keys themselves).')).action(async (flags: { dataDir?: string }) => {
    const store = await openStoreFor(flags);
    try {
      for (const record of await store.apiKeys.list()) process.stdout.write(`${JSON.stringify(record)}\n`);
    } finally {
      await store.close();
    }
  });
  withStoreOptions(keys.command('revoke').description('Revoke a key by its id (key_...).'))
    .argument('<id>', 'the key id shown by `spool keys list`')
    .action(async (id: string, flags: { dataDir?: string }) => {
      const store = await openStoreFor(flags);
      try {
        if (!(await store.apiKeys.revoke(id))) {
          process.stderr.write(`spool: no active key with id '${id}'\n`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });
  return keys;
}
