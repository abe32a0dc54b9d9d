// `spool threads create-and-run`: a new thread and a run of an assistant over it, in one request,
// with the flags of OpenAI's `openai beta:threads create-and-run`, plus `--message` for the
// thread's messages, `--wait`, and a `--stream` that prints the answer as it is written.
import { Command } from 'commander';
import { withAssistantId, withRunOverrides, withToolResources } from './body-flags.js';
import { clientFor, withClientOptions } from './client-options.js';
import { contentValue, objectValue, yamlValue } from './flag-values.js';
import { RequestBody } from './request-body.js';
import { type RunOutputFlags, startRun, withRunOutputOptions } from './run-output.js';

export function createAndRunCommand(): Command {
  const command = new Command('create-and-run').description(
    'Create a thread and run an assistant over it; --stream prints the answer as it is written.',
  );
  const body = withAssistantId(new RequestBody(command))
    .field(
      '--thread <yaml>',
      'thread',
      "the thread to create, e.g. '{messages: [{role: user, content: Hi}], metadata: {team: support}}'",
      objectValue,
    )
    .inner(
      '--thread.messages <yaml>',
      'thread',
      'messages',
      'object',
      'just thread.messages, a YAML or JSON list of messages',
      yamlValue,
    )
    .inner(
      '--thread.metadata <yaml>',
      'thread',
      'metadata',
      'object',
      "just thread.metadata, e.g. '{team: support}'",
      objectValue,
    )
    .inner(
      '--thread.tool-resources <yaml>',
      'thread',
      'tool_resources',
      'object',
      'just thread.tool_resources',
      objectValue,
    )
    .item(
      '--message <yaml>',
      'thread.messages',
      "a message of the new thread, e.g. '{role: user, content: Hello}'; repeat for more",
      objectValue,
    )
    .inner(
      '--message.role <role>',
      'thread.messages',
      'role',
      'list',
      'the role (user or assistant) of the last --message, or of a new one',
      (raw) => raw,
    )
    .inner(
      '--message.content <content>',
      'thread.messages',
      'content',
      'list',
      'its content: text, @file, or a YAML list of parts',
      contentValue,
    )
    .inner(
      '--message.attachments <yaml>',
      'thread.messages',
      'attachments',
      'list',
      "its attachments, e.g. '[{file_id: file-abc, tools: [{type: file_search}]}]'",
      yamlValue,
    )
    .inner('--message.metadata <yaml>', 'thread.messages', 'metadata', 'list', 'its metadata', objectValue);
  withToolResources(withRunOverrides(body));
  return withRunOutputOptions(withClientOptions(command))
    .addHelpText(
      'after',
      `
--message and --message.* add to the thread's messages, so give --thread (which replaces the whole
thread) before them. Object values are YAML or JSON; @path reads a value from a file.

With --stream, stdout gets the assistant's text as it is written, and --format jsonl prints each
server-sent event as one {"event": ..., "data": ...} line instead. Without it the run is printed
as the server answered (queued), or with --wait once it has completed, failed or stopped for tool
outputs. A run that ends failed, cancelled or expired exits with code 4, its error on stderr.

Examples:
  spool threads create-and-run --assistant-id asst_abc --message '{role: user, content: Hello}' --stream
  spool threads create-and-run --assistant-id asst_abc --message.role user --message.content @question.txt --wait
  spool threads create-and-run --assistant-id asst_abc --thread '{messages: [{role: user, content: Hi}]}' \\
    --stream --format jsonl`,
    )
    .action(async function (this: Command) {
      const { client, print } = clientFor(this);
      await startRun(client, print, '/threads/runs', body.build(), this.opts<RunOutputFlags>());
    });
}
