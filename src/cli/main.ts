#!/usr/bin/env node
// The `spool` command: the server, its administration, and clients of its HTTP API.
import { Command, CommanderError } from 'commander';
import { ConfigError, resolveServeConfig, type ServeFlags } from '../config.js';
import { isDatabaseUnavailable } from '../store/dialect.js';
import { describeFailure } from './cli-errors.js';
import { withGlobalClientOptions } from './client-options.js';
import { assistantsCommand } from './assistants.js';
import { completionCommand } from './completion.js';
import { keysCommand } from './keys.js';
import { messagesCommand } from './messages.js';
import { migrateCommand } from './migrate.js';
import { runsCommand } from './runs.js';
import { threadsCommand } from './threads.js';
import { exportCommand, importCommand } from './transfer.js';
import { spoolVersion } from './version.js';

const program = new Command()
  .name('spool')
  .description('A self-hosted server that speaks OpenAI Assistants API v2 threads on the wire, and its clients.')
  .version(spoolVersion)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) })
  .showSuggestionAfterError(true)
  .commandsGroup('Server:');
withGlobalClientOptions(program);

program
  .command('serve')
  .description('Run the HTTP server (SQLite under --data-dir by default, PostgreSQL with --database-url).')
  .option('--host <host>', 'address to listen on (env SPOOL_HOST, default 127.0.0.1)')
  .option('--port <port>', 'port to listen on, 0 for any free port (env SPOOL_PORT, default 8080)')
  .option('--data-dir <dir>', 'where the SQLite file lives (env SPOOL_DATA_DIR, default ./data)')
  .option(
    '--durability <level>',
    "'normal' survives a process crash, 'full' a power loss (env SPOOL_DURABILITY, default normal)",
  )
  .option(
    '--sqlite-wal-limit <size>',
    'SQLite write-ahead log size past which the background checkpointer empties it, e.g. 64mb (env SPOOL_SQLITE_WAL_LIMIT, default 64mb)',
  )
  .option('--database-url <url>', 'use PostgreSQL at this postgres:// URL instead of SQLite (env SPOOL_DATABASE_URL)')
  .option(
    '--database-pool-size <n>',
    'PostgreSQL connections this process keeps at most (env SPOOL_DATABASE_POOL_SIZE, default 10)',
  )
  .option(
    '--database-statement-timeout <duration>',
    'longest a PostgreSQL statement may run, e.g. 10s (env SPOOL_DATABASE_STATEMENT_TIMEOUT, default 10s)',
  )
  .option('--body-limit <size>', 'largest request body, e.g. 8mb (env SPOOL_BODY_LIMIT, default 8mb)')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env SPOOL_LOG_LEVEL, default info)')
  .option(
    '--model-base-url <url>',
    'OpenAI-compatible Chat Completions server that runs use, e.g. http://127.0.0.1:11434/v1 (env SPOOL_MODEL_BASE_URL)',
  )
  .option('--model-api-key <key>', 'API key for the model server (env SPOOL_MODEL_API_KEY)')
  .option(
    '--model-map <map>',
    "assistant model -> server model, e.g. 'gpt-4o=llama3.1:8b,*=qwen2.5' (env SPOOL_MODEL_MAP)",
  )
  .option(
    '--request-timeout <duration>',
    'longest a request (headers and body) may take to arrive, e.g. 30s (env SPOOL_REQUEST_TIMEOUT, default 30s)',
  )
  .option(
    '--drain-timeout <duration>',
    'longest a shutdown may take, streams and logs included, e.g. 10s (env SPOOL_DRAIN_TIMEOUT, default 10s)',
  )
  .action(async (flags: ServeFlags) => {
    // Loaded here so that the client commands start without loading the server and its database.
    const { exitOnSignals, startServer } = await import('../server.js');
    const server = await startServer(resolveServeConfig(flags, process.env));
    // Printed whatever the log level: people and scripts (the tests among them) wait for this line.
    process.stdout.write(`Spool listening on ${server.url}\n`);
    exitOnSignals(server);
  });

program.addCommand(migrateCommand());
program.addCommand(keysCommand());
program.addCommand(exportCommand());
program.addCommand(importCommand());
program.commandsGroup('Client commands (over the HTTP API):');
program.addCommand(threadsCommand());
program.addCommand(messagesCommand());
program.addCommand(assistantsCommand());
program.addCommand(runsCommand());
program.commandsGroup('Other:');
program.addCommand(completionCommand());
program.helpCommand(true);
program.addHelpText(
  'after',
  `
The client commands read SPOOL_BASE_URL (or OPENAI_BASE_URL; default http://127.0.0.1:8080/v1)
and SPOOL_API_KEY (or OPENAI_API_KEY). They print the JSON object the server answered, and on
failure its message on stderr with exit code 1; 2 is a usage error, 3 a server that cannot be
reached, 4 a run that ended failed, cancelled or expired. As in OpenAI's CLI, --base-url and
--api-key may also come before the command.
Run 'spool <command> --help' for a command's options.`,
);

// Commands made with `new Command()` do not inherit the program's settings: hand them down, so
// that every usage error throws here and exits with code 2.
function inherit(parent: Command): void {
  for (const command of parent.commands) {
    command.copyInheritedSettings(parent);
    inherit(command);
  }
}
inherit(program);

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed its one-line message; help and version are not failures.
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`spool: ${error.message}\n`);
    process.exit(2);
  }
  const { code, message } = error as { code?: string; message?: string };
  if (isDatabaseUnavailable(error)) {
    process.stderr.write(`spool: cannot reach the database: ${message || code || String(error)}\n`);
    process.exit(1);
  }
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    process.stderr.write(`spool: cannot listen: ${message}\n`);
    process.exit(1);
  }
  const failure = describeFailure(error);
  if (!failure) throw error;
  process.stderr.write(`spool: ${failure.line}\n`);
  // Not process.exit(): what is already on its way to stdout must still be flushed.
  process.exitCode = failure.exitCode;
}
