// `spool messages create|list|retrieve|update|delete`: a thread's messages over the HTTP API, with
// the flags of OpenAI's `openai beta:threads:messages` CLI.
import { Command, Option } from 'commander';
import { messagePath, messagesPath } from './api-paths.js';
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
import { contentValue, objectValue, yamlValue } from './flag-values.js';
import { RequestBody } from './request-body.js';

const messageIdOption = { flag: 'message-id', description: 'the message (msg_...)' };

function createCommand(): Command {
  const command = withIdOptions(new Command('create').description('Add a message to a thread.'), [threadIdOption]);
  const body = new RequestBody(command)
    .field('--role <role>', 'role', 'user or assistant', (raw) => raw)
    .field(
      '--content <content>',
      'content',
      'text, @file for a text file, or a YAML or JSON list of parts',
      contentValue,
    )
    .item(
      '--attachment <yaml>',
      'attachments',
      "a file and its tools, e.g. '{file_id: file-abc, tools: [{type: file_search}]}'; repeat, or give a list",
      yamlValue,
    )
    .inner(
      '--attachment.file-id <id>',
      'attachments',
      'file_id',
      'list',
      'the file of the last --attachment, or of a new one',
      (raw) => raw,
    )
    .inner(
      '--attachment.tools <yaml>',
      'attachments',
      'tools',
      'list',
      "its tools, e.g. '[{type: code_interpreter}]'",
      yamlValue,
    )
    .field('--metadata <yaml>', 'metadata', metadataHelp, objectValue);
  return withClientOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  spool messages create --thread-id thread_abc --role user --content 'Hello'
  spool messages create thread_abc --role user --content @notes.txt
  spool messages create thread_abc --role user \\
    --content '[{type: text, text: Look}, {type: image_url, image_url: {url: "https://example.com/a.png"}}]'`,
    )
    .action(async function (this: Command) {
      const [threadId = ''] = resolveIds(this, ['thread-id']);
      const { client, print } = clientFor(this);
      print.object(await client.request('POST', messagesPath(threadId), { body: body.build() }));
    });
}

function listCommand(): Command {
  const command = withIdOptions(
    new Command('list').description("List a thread's messages, newest first unless --order asc."),
    [threadIdOption],
  ).addOption(new Option('--run-id <id>', 'only the messages this run made').helpGroup('Filters:'));
  return withClientOptions(withListOptions(command)).action(async function (this: Command) {
    const [threadId = ''] = resolveIds(this, ['thread-id']);
    const flags = this.opts<ClientFlags & ListFlags & { runId?: string }>();
    const { client, print } = clientFor(this);
    const query = listQuery(flags);
    if (flags.runId !== undefined) query.push(['run_id', flags.runId]);
    await print.list(client.pages(messagesPath(threadId), query, flags.all === true));
  });
}

function updateCommand(): Command {
  const command = withIdOptions(new Command('update').description("Change a message's metadata (replaced whole)."), [
    threadIdOption,
    messageIdOption,
  ]);
  const body = new RequestBody(command).field('--metadata <yaml>', 'metadata', metadataHelp, objectValue);
  return withClientOptions(command).action(async function (this: Command) {
    const [threadId = '', messageId = ''] = resolveIds(this, ['thread-id', 'message-id']);
    const { client, print } = clientFor(this);
    print.object(await client.request('POST', messagePath(threadId, messageId), { body: body.build() }));
  });
}

export function messagesCommand(): Command {
  return new Command('messages')
    .description("Create, list, retrieve, update and delete a thread's messages.")
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(
      objectRequestCommand('retrieve', 'Show a message.', 'GET', [threadIdOption, messageIdOption], messagePath),
    )
    .addCommand(updateCommand())
    .addCommand(
      objectRequestCommand('delete', 'Delete a message.', 'DELETE', [threadIdOption, messageIdOption], messagePath),
    );
}
