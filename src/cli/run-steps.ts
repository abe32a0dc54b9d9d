// `spool runs steps list|retrieve`: the steps of a run (the messages it wrote, the tools it called).
import { Command } from 'commander';
import { stepPath, stepsPath } from './api-paths.js';
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

const stepIdOption = { flag: 'step-id', description: 'the step (step_...)' };

function listCommand(): Command {
  const command = withIdOptions(new Command('list').description("List a run's steps, newest first."), [
    threadIdOption,
    runIdOption,
  ]);
  return withClientOptions(withListOptions(command)).action(async function (this: Command) {
    const [threadId = '', runId = ''] = resolveIds(this, ['thread-id', 'run-id']);
    const flags = this.opts<ClientFlags & ListFlags>();
    const { client, print } = clientFor(this);
    await print.list(client.pages(stepsPath(threadId, runId), listQuery(flags), flags.all === true));
  });
}

export function stepsCommand(): Command {
  return new Command('steps')
    .description("List and retrieve a run's steps.")
    .addCommand(listCommand())
    .addCommand(
      objectRequestCommand(
        'retrieve',
        'Show a run step.',
        'GET',
        [threadIdOption, runIdOption, stepIdOption],
        stepPath,
      ),
    );
}
