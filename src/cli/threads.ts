// `spool threads create|retrieve|update|delete|list|create-and-run`: threads over the HTTP API, with
// the flags of OpenAI's `openai beta:threads` CLI, plus `list`, which uses Spool's GET /v1/threads.
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  type ClientFlags,
  clientFor,
  type ListFlags,
  listQuery,
  metadataHelp,
  objectRequestCommand,
  resolveIds,
  threadIdOption,
  withClientOptions,
  withIdOptions,
  withListOptions,
} from './client-options.js';
import { threadPath } from './api-paths.js';
import { withToolResources } from './body-flags.js';
import { createAndRunCommand } from './create-and-run.js';
import { contentValue, objectValue, yamlValue } from './flag-values.js';
import { RequestBody } from './request-body.js';

function createCommand(): Command {
  const command = new Command('create').description('Create a thread, with its first messages if given.');
  const body = withToolResources(
    new RequestBody(command)
      .item(
        '--message <yaml>',
        'messages',
        "a message to start with, e.g. '{role: user, content: hi}'; repeat for more",
        objectValue,
      )
      .inner(
        '--message.role <role>',
        'messages',
        'role',
        'list',
        'the role (user or assistant) of the last --message, or of a new one',
        (raw) => raw,
      )
      .inner(
        '--message.content <content>',
        'messages',
        'content',
        'list',
        'its content: text, @file, or a YAML list of parts',
        contentValue,
      )
      .inner(
        '--message.attachments <yaml>',
        'messages',
        'attachments',
        'list',
        "its attachments, e.g. '[{file_id: file-abc, tools: [{type: file_search}]}]'",
        yamlValue,
      )
      .inner('--message.metadata <yaml>', 'messages', 'metadata', 'list', 'its metadata', objectValue)
      .field('--metadata <yaml>', 'metadata', metadataHelp, objectValue),
  );
  return withClientOptions(command)
    .addHelpText(
      'after',
      `
Object values are YAML or JSON; @path reads a value from a file. A YAML or JSON body piped on
stdin is sent too, with the flags replacing its top-level fields.

Examples:
  spool threads create --message '{role: user, content: Hello}' --metadata '{team: support}'
  spool threads create --message.role user --message.content @question.txt
  printf 'metadata: {team: support}\\n' | spool threads create`,
    )
    .action(async function (this: Command) {
      const { client, print } = clientFor(this);
      print.object(await client.request('POST', '/threads', { body: body.build() }));
    });
}

function updateCommand(): Command {
  const command = withIdOptions(
    new Command('update').description("Change a thread's metadata (replaced whole) or tool resources."),
    [threadIdOption],
  );
  const body = withToolResources(
    new RequestBody(command).field('--metadata <yaml>', 'metadata', metadataHelp, objectValue),
  );
  return withClientOptions(command).action(async function (this: Command) {
    const [id = ''] = resolveIds(this, ['thread-id']);
    const { client, print } = clientFor(this);
    print.object(await client.request('POST', threadPath(id), { body: body.build() }));
  });
}

interface ThreadListFlags extends ClientFlags, ListFlags {
  metadata?: Array<[string, string]>;
  createdAfter?: string;
  createdBefore?: string;
}

function metadataPair(raw: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const equals = raw.indexOf('=');
  if (equals < 1) throw new InvalidArgumentError("Expected key=value, e.g. 'team=support'.");
  return [...previous, [raw.slice(0, equals), raw.slice(equals + 1)]];
}

function listCommand(): Command {
  const command = new Command('list')
    .description('List threads, newest first; filter by metadata (all pairs must match) and creation time.')
    .addOption(
      new Option('--metadata <key=value>', 'only threads whose metadata has this pair; repeat to require more')
        .argParser(metadataPair)
        .helpGroup('Filters:'),
    )
    .addOption(
      new Option('--created-after <unix>', 'only threads created after this Unix time (seconds)').helpGroup('Filters:'),
    )
    .addOption(
      new Option('--created-before <unix>', 'only threads created before this Unix time (seconds)').helpGroup(
        'Filters:',
      ),
    );
  return withClientOptions(withListOptions(command))
    .addHelpText(
      'after',
      `
Examples:
  spool threads list --metadata team=support --limit 50
  spool threads list --all --format jsonl | wc -l`,
    )
    .action(async function (this: Command) {
      const flags = this.opts<ThreadListFlags>();
      const { client, print } = clientFor(this);
      const query = listQuery(flags);
      for (const [key, value] of flags.metadata ?? []) query.push([`metadata[${key}]`, value]);
      if (flags.createdAfter !== undefined) query.push(['created_after', flags.createdAfter]);
      if (flags.createdBefore !== undefined) query.push(['created_before', flags.createdBefore]);
      await print.list(client.pages('/threads', query, flags.all === true));
    });
}

export function threadsCommand(): Command {
  return new Command('threads')
    .description('Create, retrieve, update, delete and list threads, or create one and run an assistant over it.')
    .addCommand(createCommand())
    .addCommand(objectRequestCommand('retrieve', 'Show a thread.', 'GET', [threadIdOption], threadPath))
    .addCommand(updateCommand())
    .addCommand(
      objectRequestCommand('delete', 'Delete a thread and its messages.', 'DELETE', [threadIdOption], threadPath),
    )
    .addCommand(listCommand())
    .addCommand(createAndRunCommand());
}
