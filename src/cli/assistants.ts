// `spool assistants create|retrieve|update|delete|list`: assistants over the HTTP API, with the
// flags of OpenAI's `openai beta:assistants` CLI (plus `--tools` for a whole list at once).
import { Command } from 'commander';
import { assistantPath } from './api-paths.js';
import { withSampling, withToolResources, withTools } from './body-flags.js';
import {
  type ClientFlags,
  clientFor,
  type ListFlags,
  listQuery,
  objectRequestCommand,
  resolveIds,
  withClientOptions,
  withIdOptions,
  withListOptions,
} from './client-options.js';
import { objectValue, textValue } from './flag-values.js';
import { RequestBody } from './request-body.js';

const assistantIdOption = { flag: 'assistant-id', description: 'the assistant (asst_...)' };

/** The fields create and update share; every one is sent only when given. */
function assistantBody(command: Command): RequestBody {
  const body = new RequestBody(command)
    .field(
      '--model <model>',
      'model',
      'the model it runs on (required to create), e.g. gpt-4o or llama3.1:8b',
      (raw) => raw,
    )
    .field('--name <name>', 'name', 'its name, up to 256 characters', (raw) => raw)
    .field('--description <text>', 'description', 'what it is for, up to 512 characters', (raw) => raw)
    .field('--instructions <text>', 'instructions', 'its system instructions (@file reads them from a file)', textValue)
    .field(
      '--reasoning-effort <effort>',
      'reasoning_effort',
      'for reasoning models: none, minimal, low, medium, high, xhigh or max',
      (raw) => raw,
    );
  withSampling(withTools(body));
  return withToolResources(body).field(
    '--metadata <yaml>',
    'metadata',
    "metadata as a YAML or JSON object, e.g. '{team: support}'",
    objectValue,
  );
}

function createCommand(): Command {
  const command = new Command('create').description('Create an assistant.');
  const body = assistantBody(command);
  return withClientOptions(command)
    .addHelpText(
      'after',
      `
Object and list values are YAML or JSON; @path reads a value from a file. A YAML or JSON body
piped on stdin is sent too, with the flags replacing its top-level fields.

Examples:
  spool assistants create --model gpt-4o --name Helper --instructions 'Answer briefly.'
  spool assistants create --model gpt-4o \\
    --tool '{type: function, function: {name: get_weather, parameters: {type: object, properties: {city: {type: string}}}}}'
  spool assistants create --model gpt-4o --tools '[{type: code_interpreter}, {type: file_search}]' --temperature 0.2`,
    )
    .action(async function (this: Command) {
      const { client, print } = clientFor(this);
      print.object(await client.request('POST', '/assistants', { body: body.build() }));
    });
}

function updateCommand(): Command {
  const command = withIdOptions(
    new Command('update').description('Change an assistant: each field given replaces the stored one.'),
    [assistantIdOption],
  );
  const body = assistantBody(command);
  return withClientOptions(command).action(async function (this: Command) {
    const [id = ''] = resolveIds(this, ['assistant-id']);
    const { client, print } = clientFor(this);
    print.object(await client.request('POST', assistantPath(id), { body: body.build() }));
  });
}

function listCommand(): Command {
  return withClientOptions(withListOptions(new Command('list').description('List assistants, newest first.'))).action(
    async function (this: Command) {
      const flags = this.opts<ClientFlags & ListFlags>();
      const { client, print } = clientFor(this);
      await print.list(client.pages('/assistants', listQuery(flags), flags.all === true));
    },
  );
}

export function assistantsCommand(): Command {
  return new Command('assistants')
    .description('Create, retrieve, update, delete and list assistants.')
    .addCommand(createCommand())
    .addCommand(objectRequestCommand('retrieve', 'Show an assistant.', 'GET', [assistantIdOption], assistantPath))
    .addCommand(updateCommand())
    .addCommand(objectRequestCommand('delete', 'Delete an assistant.', 'DELETE', [assistantIdOption], assistantPath))
    .addCommand(listCommand());
}
