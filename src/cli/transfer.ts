// `spool export` and `spool import`: a project's assistants, threads, messages and runs as JSON Lines, to back them
// up or to move them between SQLite and PostgreSQL.
import { createReadStream, createWriteStream, fchmodSync, fstatSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { type ExportCounts, ImportFormatError } from '../domain/export-format.js';
import { openStoreFor, type StoreFlags, withStoreOptions } from './store-options.js';

/** The second line of the summary, when the project has assistants or runs. */
function runsLine(counts: ExportCounts): string {
  if (counts.assistants + counts.runs === 0) return '';
  return `with ${counts.assistants} assistants, ${counts.runs} runs and ${counts.run_steps} run steps\n`;
}

async function writeAll(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/**
 * The export holds a project's every thread: a file it writes is for the owner alone, made 0600
 * also when it existed (a device or pipe named as the output keeps its mode).
 */
async function privateFile(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { mode: 0o600 });
  const [fd] = (await once(stream, 'open')) as [number];
  if (fstatSync(fd).isFile()) fchmodSync(fd, 0o600);
  return stream;
}

export function exportCommand(): Command {
  return withStoreOptions(
    new Command('export').description(
      "Write a project's assistants, threads, messages and runs as JSON Lines (to stdout, or --output).",
    ),
  )
    .option('--project <name>', 'the project to export', 'default')
    .option('--output <file>', 'write to this file instead of stdout')
    .action(async (flags: StoreFlags & { project: string; output?: string }) => {
      const store = await openStoreFor(flags);
      const { exportProject } = await import('../store/transfer.js');
      try {
        const projectId = await store.apiKeys.findProjectId(flags.project);
        if (!projectId) {
          process.stderr.write(`spool: no project named '${flags.project}'\n`);
          process.exitCode = 1;
          return;
        }
        const output = flags.output ? await privateFile(flags.output) : process.stdout;
        const counts = await exportProject(store, { id: projectId, name: flags.project }, (line) =>
          writeAll(output, line),
        );
        if (output !== process.stdout) {
          output.end();
          await once(output, 'finish');
        }
        process.stderr.write(
          `exported ${counts.threads} threads and ${counts.messages} messages of project '${flags.project}'\n${runsLine(counts)}`,
        );
      } finally {
        await store.close();
      }
    });
}

export function importCommand(): Command {
  return withStoreOptions(
    new Command('import').description('Read an export (a file, or stdin) into the database: all of it, or nothing.'),
  )
    .argument('[file]', 'the export to read (default: stdin)')
    .option('--project <name>', "the project to import into (default: the export's own project)")
    .action(async (file: string | undefined, flags: StoreFlags & { project?: string }) => {
      const store = await openStoreFor(flags);
      const { importProject } = await import('../store/transfer.js');
      try {
        // The iterator is taken at once: readline drops the lines it reads before anyone iterates.
        const reader = createInterface({
          input: file ? createReadStream(file) : process.stdin,
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        const lines = reader[Symbol.asyncIterator]();
        const input = { [Symbol.asyncIterator]: () => lines };
        let target = '';
        const counts = await importProject(
          store,
          (exported) => {
            target = flags.project ?? exported;
            return target;
          },
          input,
        );
        process.stderr.write(
          `imported ${counts.threads} threads and ${counts.messages} messages into project '${target}'\n${runsLine(counts)}`,
        );
      } catch (error) {
        if (!(error instanceof ImportFormatError)) throw error;
        process.stderr.write(`spool: nothing was imported: ${error.message}\n`);
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
