// `spool runs create|list|retrieve|update|cancel|submit-tool-outputs` and `spool runs steps`: a
// thread's runs over the HTTP API, with the flags of OpenAI's `openai beta:threads:runs` CLI.
import { Command } from 'commander';
import { runPath, runsPath } from './api-paths.js';
import { withAssistantId, withRunOverrides } from './body-flags.js';
import {
  type ClientFlags,
  clientFor,
  type ListFlags,
  listQuery,
  objectRequestCommand,
  resolveIds,
  runIdOption,
  threadIdOption,
  withClientOptions,
  withIdOptions,
  withListOptions,
} from './client-options.js';
import { contentValue, objectValue, textValue, yamlValue } from './flag-values.js';
import { RequestBody } from './request-body.js';
import { type RunOutputFlags, startRun, withRunOutputOptions } from './run-output.js';
import { stepsCommand } from './run-steps.js';

function createCommand(): Command {
  const command = withIdOptions(
    new Command('create').description('Run an assistant over a thread; --stream prints the answer as it is written.'),
    [threadIdOption],
  );
  const body = withRunOverrides(withAssistantId(new RequestBody(command)))
    .field(
      '--additional-instructions <text>',
      'additional_instructions',
      'appended to the instructions for this run only (@file reads them from a file)',
      textValue,
    )
    .item(
      '--additional-message <yaml>',
      'additional_messages',
      "a message added to the thread first, e.g. '{role: user, content: Hi}'; repeat for more",
      objectValue,
    )
    .inner(
      '--additional-message.role <role>',
      'additional_messages',
      'role',
      'list',
      'the role (user or assistant) of the last --additional-message, or of a new one',
      (raw) => raw,
    )
    .inner(
      '--additional-message.content <content>',
      'additional_messages',
      'content',
      'list',
      'its content: text, @file, or a YAML list of parts',
      contentValue,
    )
    .inner(
      '--additional-message.attachments <yaml>',
      'additional_messages',
      'attachments',
      'list',
      'its attachments',
      yamlValue,
    )
    .inner(
      '--additional-message.metadata <yaml>',
      'additional_messages',
      'metadata',
      'list',
      'its metadata',
      objectValue,
    )
    .field(
      '--reasoning-effort <effort>',
      'reasoning_effort',
      'for reasoning models: none, minimal, low, medium, high, xhigh or max',
      (raw) => raw,
    );
  return withRunOutputOptions(withClientOptions(command))
    .addHelpText(
      'after',
      `
Without --stream or --wait the run is printed as the server answered (queued). A run that ends
failed, cancelled or expired exits with code 4, its error on stderr.

Examples:
  spool runs create --thread-id thread_abc --assistant-id asst_abc --stream
  spool runs create thread_abc --assistant-id asst_abc --additional-message '{role: user, content: And tomorrow?}' --wait`,
    )
    .action(async function (this: Command) {
      const [threadId = ''] = resolveIds(this, ['thread-id']);
      const { client, print } = clientFor(this);
      await startRun(client, print, runsPath(threadId), body.build(), this.opts<RunOutputFlags>());
    });
}

function listCommand(): Command {
  const command = withIdOptions(new Command('list').description("List a thread's runs, newest first."), [
    threadIdOption,
  ]);
  return withClientOptions(withListOptions(command)).action(async function (this: Command) {
    const [threadId = ''] = resolveIds(this, ['thread-id']);
    const flags = this.opts<ClientFlags & ListFlags>();
    const { client, print } = clientFor(this);
    await print.list(client.pages(runsPath(threadId), listQuery(flags), flags.all === true));
  });
}

function updateCommand(): Command {
  const command = withIdOptions(new Command('update').description("Change a run's metadata (replaced whole)."), [
    threadIdOption,
    runIdOption,
  ]);
  const body = new RequestBody(command).field(
    '--metadata <yaml>',
    'metadata',
    "metadata as a YAML or JSON object, e.g. '{ticket: T-1}'",
    objectValue,
  );
  return withClientOptions(command).action(async function (this: Command) {
    const [threadId = '', runId = ''] = resolveIds(this, ['thread-id', 'run-id']);
    const { client, print } = clientFor(this);
    print.object(await client.request('POST', runPath(threadId, runId), { body: body.build() }));
  });
}

function cancelCommand(): Command {
  const command = withIdOptions(
    new Command('cancel').description('Cancel a queued, in-progress or waiting run; it is cancelling, then cancelled.'),
    [threadIdOption, runIdOption],
  );
  return withClientOptions(command).action(async function (this: Command) {
    const [threadId = '', runId = ''] = resolveIds(this, ['thread-id', 'run-id']);
    const { client, print } = clientFor(this);
    print.object(await client.request('POST', `${runPath(threadId, runId)}/cancel`));
  });
}

function submitToolOutputsCommand(): Command {
  const command = withIdOptions(
    new Command('submit-tool-outputs').description(
      'Give a run that requires action the outputs of all its tool calls, and let it carry on.',
    ),
    [threadIdOption, runIdOption],
  );
  const body = new RequestBody(command)
    .item(
      '--tool-output <yaml>',
      'tool_outputs',
      "one call's output, e.g. '{tool_call_id: call_abc, output: \"22 C\"}'; repeat for each call",
      yamlValue,
    )
    .inner(
      '--tool-output.tool-call-id <id>',
      'tool_outputs',
      'tool_call_id',
      'list',
      'the call of the last --tool-output, or of a new one',
      (raw) => raw,
    )
    .inner(
      '--tool-output.output <text>',
      'tool_outputs',
      'output',
      'list',
      'its output (@file reads it from a file)',
      textValue,
    );
  return withRunOutputOptions(withClientOptions(command))
    .addHelpText(
      'after',
      `
Examples:
  spool runs submit-tool-outputs thread_abc run_abc --tool-output '{tool_call_id: call_1, output: "22 C"}' --stream
  spool runs submit-tool-outputs thread_abc run_abc --tool-output.tool-call-id call_1 --tool-output.output @result.json --wait`,
    )
    .action(async function (this: Command) {
      const [threadId = '', runId = ''] = resolveIds(this, ['thread-id', 'run-id']);
      const { client, print } = clientFor(this);
      await startRun(
        client,
        print,
        `${runPath(threadId, runId)}/submit_tool_outputs`,
        body.build(),
        this.opts<RunOutputFlags>(),
      );
    });
}

export function runsCommand(): Command {
  return new Command('runs')
    .description(
      "Create, list, retrieve, update and cancel a thread's runs, answer their tool calls, and read their steps.",
    )
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(objectRequestCommand('retrieve', 'Show a run.', 'GET', [threadIdOption, runIdOption], runPath))
    .addCommand(updateCommand())
    .addCommand(cancelCommand())
    .addCommand(submitToolOutputsCommand())
    .addCommand(stepsCommand());
}
