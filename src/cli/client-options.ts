// The options every client command takes (where the server is, which key, which output format), and
// the client and printer they resolve to. Flags win over SPOOL_* variables, which win over OPENAI_*.
import { Command, Option } from 'commander';
import { ApiClient } from './api-client.js';
import { UsageError } from './cli-errors.js';
import { type OutputFormat, outputFormats, Printer } from './output.js';

export const defaultBaseUrl = 'http://127.0.0.1:8080/v1';

export interface ClientFlags {
  baseUrl?: string;
  apiKey?: string;
  format: OutputFormat;
}

export function withClientOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--base-url <url>',
        `the API's base URL; a bare server address means its /v1 (env SPOOL_BASE_URL or OPENAI_BASE_URL, default ${defaultBaseUrl})`,
      ).helpGroup('Connection:'),
    )
    .addOption(
      new Option('--api-key <key>', 'the API key to send (env SPOOL_API_KEY or OPENAI_API_KEY)').helpGroup(
        'Connection:',
      ),
    )
    .addOption(
      new Option(
        '--format <format>',
        'json: the object, indented on a terminal, on one line when piped; jsonl: one object (or list item) per line',
      )
        .choices(outputFormats)
        .default('json')
        .helpGroup('Output:'),
    );
}

function firstSet(...values: Array<string | undefined>): string | undefined {
  return values.find((value) => value !== undefined && value !== '');
}

/**
 * `--base-url` and `--api-key` as OpenAI's CLI takes them: after the command, or before it (where
 * the program holds them); the ones after win.
 */
export function withGlobalClientOptions(program: Command): Command {
  return program
    .enablePositionalOptions()
    .addOption(new Option('--base-url <url>').hideHelp())
    .addOption(new Option('--api-key <key>').hideHelp());
}

/** The client and printer a client command's options resolve to. */
export function clientFor(
  command: Command,
  env: NodeJS.ProcessEnv = process.env,
): { client: ApiClient; print: Printer } {
  const flags: ClientFlags = { ...command.optsWithGlobals<ClientFlags>(), ...command.opts<ClientFlags>() };
  const baseUrl = firstSet(flags.baseUrl, env.SPOOL_BASE_URL, env.OPENAI_BASE_URL) ?? defaultBaseUrl;
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new UsageError(`the base URL must be an absolute http(s) URL such as ${defaultBaseUrl}, got '${baseUrl}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`the base URL must be an http or https URL, got '${baseUrl}'`);
  }
  const apiKey = firstSet(flags.apiKey, env.SPOOL_API_KEY, env.OPENAI_API_KEY);
  return { client: new ApiClient(apiBaseUrl(baseUrl, parsed), apiKey), print: new Printer(flags.format) };
}

/** The base URL without its trailing slash; a bare server address (`http://host:8080`) means its API at /v1. */
function apiBaseUrl(baseUrl: string, parsed: URL): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return parsed.pathname === '/' && parsed.search === '' ? `${trimmed}/v1` : trimmed;
}

/** `--thread-id <id>` and friends, each also accepted as a positional argument in the same order. */
export function withIdOptions(command: Command, ids: IdOption[]): Command {
  for (const id of ids) command.option(`--${id.flag} <id>`, id.description);
  for (const id of ids) command.argument(`[${id.flag}]`, `the same as --${id.flag}`);
  return command;
}

type IdOption = { flag: string; description: string };

// The ID options and the metadata help that several command groups share.
export const threadIdOption: IdOption = { flag: 'thread-id', description: 'the thread (thread_...)' };
export const runIdOption: IdOption = { flag: 'run-id', description: 'the run (run_...)' };
export const metadataHelp = "metadata as a YAML or JSON object, e.g. '{team: support}'; null clears it";

/** A command that sends one bodyless request to the object its IDs name, and prints the answer. */
export function objectRequestCommand(
  name: string,
  description: string,
  method: 'GET' | 'DELETE',
  ids: IdOption[],
  path: (...ids: string[]) => string,
): Command {
  return withClientOptions(withIdOptions(new Command(name).description(description), ids)).action(async function (
    this: Command,
  ) {
    const values = resolveIds(
      this,
      ids.map((id) => id.flag),
    );
    const { client, print } = clientFor(this);
    print.object(await client.request(method, path(...values)));
  });
}

/** The IDs of a command, from their flags or else from the positional arguments, in order. */
export function resolveIds(command: Command, flags: string[]): string[] {
  const options = command.opts<Record<string, string | undefined>>();
  const positionals = (command.processedArgs as Array<string | undefined>).filter(
    (value): value is string => value !== undefined,
  );
  return flags.map((flag) => {
    const key = flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const value = options[key] ?? positionals.shift();
    if (value === undefined || value === '')
      throw new UsageError(`missing --${flag} (give it as a flag or as an argument)`);
    return value;
  });
}

export interface ListFlags {
  limit?: string;
  order?: string;
  after?: string;
  before?: string;
  all?: boolean;
}

/** The pagination options of every list command; the server checks their values. */
export function withListOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--limit <n>', 'how many objects per page, 1 to 100 (server default 20)').helpGroup('Pagination:'),
    )
    .addOption(
      new Option('--order <order>', 'by creation time (server default desc)')
        .choices(['asc', 'desc'])
        .helpGroup('Pagination:'),
    )
    .addOption(
      new Option('--after <id>', 'start after this object (the last_id of the previous page)').helpGroup('Pagination:'),
    )
    .addOption(
      new Option('--before <id>', 'end before this object (the first_id of the next page)').helpGroup('Pagination:'),
    )
    .addOption(
      new Option('--all', 'follow has_more through every page from there on')
        .conflicts('before')
        .helpGroup('Pagination:'),
    );
}

export function listQuery(flags: ListFlags): Array<[string, string]> {
  const query: Array<[string, string]> = [];
  for (const name of ['limit', 'order', 'after', 'before'] as const) {
    const value = flags[name];
    if (value !== undefined) query.push([name, value]);
  }
  return query;
}
