// `spool keys create|list|revoke`: API keys, managed on the database directly.
import { Command, Option } from 'commander';
import type { ApiKeyRecord } from '../store/api-keys.js';
import type { JsonObject } from './flag-values.js';
import { onePage, type OutputFormat, outputFormats, Printer } from './output.js';
import { openStoreFor, withStoreOptions } from './store-options.js';

function withFormat(command: Command, formats: readonly string[], fallback: string, description: string): Command {
  return command.addOption(
    new Option('--format <format>', description).choices(formats).default(fallback).helpGroup('Output:'),
  );
}

const listFormatHelp = "'json': the list, indented on a terminal and on one line when piped; 'jsonl': one key per line";

function recordJson(record: ApiKeyRecord): JsonObject {
  return { ...record };
}

function createCommand(): Command {
  const command = withStoreOptions(
    new Command('create').description('Create a key; it is printed once and cannot be shown again.'),
  )
    .option('--project <name>', 'the project the key belongs to (created if new)', 'default')
    .option('--name <name>', 'a label for the key');
  return withFormat(
    command,
    ['key', ...outputFormats],
    'key',
    "'key': the key alone, for scripts; 'json' or 'jsonl': the key's record with the key in it",
  ).action(async (flags: { dataDir?: string; project: string; name?: string; format: 'key' | OutputFormat }) => {
    const store = await openStoreFor(flags);
    try {
      const { key, record } = await store.apiKeys.create(flags.project, flags.name ?? null);
      if (flags.format === 'key') process.stdout.write(`${key}\n`);
      else new Printer(flags.format).object({ ...recordJson(record), key });
      process.stderr.write(
        `created ${record.id} for project '${record.project}'; store the key now, it is not shown again\n`,
      );
    } finally {
      await store.close();
    }
  });
}

function listCommand(): Command {
  const command = withStoreOptions(
    new Command('list').description('List keys, revoked ones included (never the keys themselves).'),
  );
  return withFormat(command, outputFormats, 'json', listFormatHelp).action(
    async (flags: { dataDir?: string; format: OutputFormat }) => {
      const store = await openStoreFor(flags);
      try {
        await new Printer(flags.format).list(onePage((await store.apiKeys.list()).map(recordJson)));
      } finally {
        await store.close();
      }
    },
  );
}

function revokeCommand(): Command {
  const command = withStoreOptions(
    new Command('revoke').description('Revoke a key by its id (key_...); it stops working within seconds.'),
  ).argument('<id>', 'the key id shown by `spool keys list`');
  return withFormat(command, outputFormats, 'json', "'json' or 'jsonl': the revoked key's record").action(
    async (id: string, flags: { dataDir?: string; format: OutputFormat }) => {
      const store = await openStoreFor(flags);
      try {
        if (!(await store.apiKeys.revoke(id))) {
          process.stderr.write(`spool: no active key with id '${id}'\n`);
          process.exitCode = 1;
          return;
        }
        const record = (await store.apiKeys.list()).find((candidate) => candidate.id === id);
        if (record) new Printer(flags.format).object(recordJson(record));
      } finally {
        await store.close();
      }
    },
  );
}

export function keysCommand(): Command {
  return new Command('keys')
    .description('Manage API keys (works on the database directly, not over HTTP).')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(revokeCommand());
}
