// The processes under test (the built Spool and the bare baseline), each a child pinned to the
// server core, while this process, the load generator, pins itself to the other core.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
const spoolBin = join(repoRoot, 'dist/cli/main.js');
const baselineEntry = join(repoRoot, 'bench/baseline-server.ts');

const serverCore = '0';
const loadCore = '1';
const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Whether children are started under `taskset`; set by pinLoadGenerator. */
let pinned = false;

/**
 * Pins this process (every thread of it) to the load core, so that later children can be pinned
 * to the server core. Returns a description of the placement, or of why there is none.
 */
export function pinLoadGenerator(): string {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', loadCore, String(process.pid)], { stdio: 'ignore' });
    pinned = true;
    return `servers on core ${serverCore}, load generator on core ${loadCore} (taskset)`;
  } catch {
    return 'NOT pinned (taskset failed or fewer than 2 cores): servers and load generator share the cores';
  }
}

export interface ServerProcess {
  name: string;
  /** Where its spool.db lives. */
  dataDir: string;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  /** SIGTERM, then wait for the exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

const dataDirs: string[] = [];
process.on('exit', () => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

export function makeDataDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `spool-bench-${name}-`));
  dataDirs.push(dir);
  return dir;
}

function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

function startChild(
  name: string,
  dataDir: string,
  nodeArgs: string[],
  env: Record<string, string>,
): Promise<ServerProcess> {
  const [command, args] = pinned
    ? ['taskset', ['-c', serverCore, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const child: ChildProcess = spawn(command, args as string[], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${name} did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      // Kept short: only needed to find the listening line and to explain a failure.
      output = (output + chunk.toString()).slice(-20_000);
      const url = /listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (!url || child.pid === undefined) return;
      clearTimeout(timer);
      // From here on the output (a log line per request at `info`) is only drained, not scanned:
      // the load generator's core is not spent on it.
      child.stdout?.off('data', onData).resume();
      child.stderr?.off('data', onData).resume();
      const pid = child.pid;
      ready({
        name,
        dataDir,
        url,
        cpuSeconds: () => cpuSecondsOf(pid),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.kill('SIGTERM');
          await exited;
          clearTimeout(killer);
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

export interface SpoolOptions {
  /** Extra `spool serve` flags, e.g. ['--durability', 'full']. */
  args?: string[];
  env?: Record<string, string>;
  /** Flags for node itself, e.g. ['--cpu-prof']. */
  nodeArgs?: string[];
  /** SPOOL_LOG_LEVEL; default `info`, Spool's own default. */
  logLevel?: string;
  /** Another build's dist/cli/main.js (e.g. the previous commit's, to compare in the same run). */
  bin?: string;
}

/**
 * The built Spool, as users run it, with SPOOL_LOG_LEVEL=`logLevel`: `info`, the default, writes one
 * JSON line per request to stdout (a pipe this process drains); `warn` leaves the request log out.
 */
export function startSpool(name: string, options: SpoolOptions = {}): Promise<ServerProcess> {
  const dataDir = makeDataDir(name);
  return startChild(
    name,
    dataDir,
    [
      ...(options.nodeArgs ?? []),
      options.bin ?? spoolBin,
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...(options.args ?? []),
    ],
    {
      SPOOL_LOG_LEVEL: options.logLevel ?? 'info',
      ...options.env,
    },
  );
}

/** The baseline, over a database that `spool migrate` created, so its tables and indexes are Spool's. */
/** The size of the server's write-ahead log now (0 when there is none). */
export function walBytes(server: ServerProcess): number {
  try {
    return statSync(join(server.dataDir, 'spool.db-wal')).size;
  } catch {
    return 0;
  }
}

export function startBaseline(name: string, nodeArgs: string[] = []): Promise<ServerProcess> {
  const dataDir = makeDataDir(name);
  execFileSync(process.execPath, [spoolBin, 'migrate', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '' },
    stdio: 'ignore',
  });
  return startChild(name, dataDir, [...nodeArgs, '--import', 'tsx', baselineEntry, '--data-dir', dataDir], {});
}
