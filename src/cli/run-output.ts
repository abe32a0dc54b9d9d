// How a command that starts or resumes a run shows it: the run object as the server answered, or
// after --wait once it stops; with --stream the assistant's text as it is written (every event with
// --format jsonl). A run that ends failed, cancelled or expired makes the command fail.
import { type Command, Option } from 'commander';
import type { ApiClient } from './api-client.js';
import { runPath } from './api-paths.js';
import { ApiCallError, RunEndedError } from './cli-errors.js';
import { isJsonObject, type Json, type JsonObject } from './flag-values.js';
import type { Printer } from './output.js';

export interface RunOutputFlags {
  stream?: boolean;
  wait?: boolean;
}

/** The statuses in which a run is still on its way; `requires_action` waits for the caller instead. */
const movingStatuses = ['queued', 'in_progress', 'cancelling'];

/** Without the server's hint, look again after this long. */
const defaultPollMs = 1000;

export function withRunOutputOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--stream',
        "print the assistant's text as it is written; with --format jsonl, every event as {event, data}",
      ).helpGroup('Run:'),
    )
    .addOption(
      new Option('--wait', 'poll until the run completes, fails or needs tool outputs, then print it')
        .conflicts('stream')
        .helpGroup('Run:'),
    );
}

/** POSTs `body` to `path`, which starts or resumes a run, and shows the run as the flags ask. */
export async function startRun(
  client: ApiClient,
  print: Printer,
  path: string,
  body: JsonObject,
  flags: RunOutputFlags,
): Promise<void> {
  if (flags.stream || body.stream === true) {
    reportEnding(await streamRun(client, print, path, { ...body, stream: true }));
    return;
  }
  let { body: run, headers } = await client.exchange('POST', path, { body });
  if (flags.wait) {
    while (movingStatuses.includes(String(run.status))) {
      await new Promise((resolve) => setTimeout(resolve, pollDelayMs(headers)));
      ({ body: run, headers } = await client.exchange('GET', runPath(String(run.thread_id), String(run.id))));
    }
  }
  print.object(run);
  if (flags.wait) reportEnding(run);
}

function pollDelayMs(headers: Headers): number {
  const hint = Number(headers.get('openai-poll-after-ms') ?? Number.NaN);
  return Number.isFinite(hint) && hint >= 0 ? hint : defaultPollMs;
}

/** Prints the stream as it comes and returns the run as its last run event left it. */
async function streamRun(client: ApiClient, print: Printer, path: string, body: JsonObject): Promise<JsonObject> {
  let run: JsonObject | undefined;
  let lineOpen = false;
  try {
    for await (const { event, data } of client.events(path, body)) {
      if (event.startsWith('thread.run.') && !event.startsWith('thread.run.step.') && isJsonObject(data)) run = data;
      if (print.format === 'jsonl') {
        print.object({ event, data });
        continue;
      }
      if (event === 'thread.message.delta') {
        for (const text of deltaTexts(data)) {
          print.text(text);
          lineOpen = true;
        }
      } else if ((event === 'thread.message.completed' || event === 'thread.message.incomplete') && lineOpen) {
        print.text('\n');
        lineOpen = false;
      }
    }
  } finally {
    // Whatever happens next (an error on stderr, the shell's prompt) starts on a line of its own.
    if (lineOpen) print.text('\n');
  }
  if (!run) throw new ApiCallError(200, 'the event stream ended without a run event');
  return run;
}

/** The text pieces of a `thread.message.delta`. */
function deltaTexts(data: Json): string[] {
  const delta = isJsonObject(data) && isJsonObject(data.delta) ? data.delta : undefined;
  const parts = Array.isArray(delta?.content) ? delta.content : [];
  return parts.flatMap((part) =>
    isJsonObject(part) && isJsonObject(part.text) && typeof part.text.value === 'string' ? [part.text.value] : [],
  );
}

/** Fails for a run that ended badly; says on stderr what a run that stopped short is waiting for. */
function reportEnding(run: JsonObject): void {
  const id = String(run.id);
  const error = isJsonObject(run.last_error) ? run.last_error : undefined;
  switch (run.status) {
    case 'failed':
      throw new RunEndedError(
        error ? `run ${id} failed with ${String(error.code)}: ${String(error.message)}` : `run ${id} failed`,
      );
    case 'cancelled':
      throw new RunEndedError(`run ${id} was cancelled`);
    case 'expired':
      throw new RunEndedError(`run ${id} expired before it ended`);
    case 'incomplete': {
      const details = isJsonObject(run.incomplete_details) ? run.incomplete_details : undefined;
      process.stderr.write(`spool: run ${id} is incomplete: ${String(details?.reason ?? 'no reason given')}\n`);
      return;
    }
    case 'requires_action':
      process.stderr.write(requiredActionNote(run));
      return;
  }
}

function requiredActionNote(run: JsonObject): string {
  const action = isJsonObject(run.required_action) ? run.required_action : undefined;
  const submit = isJsonObject(action?.submit_tool_outputs) ? action.submit_tool_outputs : undefined;
  const calls = (Array.isArray(submit?.tool_calls) ? submit.tool_calls : []).filter(isJsonObject);
  const lines = calls.map((call) => {
    const fn = isJsonObject(call.function) ? call.function : {};
    return `  ${String(call.id)}: ${String(fn.name)}(${String(fn.arguments)})\n`;
  });
  const example = `spool runs submit-tool-outputs --thread-id ${String(run.thread_id)} --run-id ${String(run.id)} --tool-output '{tool_call_id: ${String(calls[0]?.id ?? 'call_...')}, output: ...}'`;
  return `spool: run ${String(run.id)} is waiting for the output of ${calls.length === 1 ? 'a tool call' : `${calls.length} tool calls`}:\n${lines.join('')}send them with: ${example}\n`;
}
