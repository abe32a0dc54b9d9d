// Starts the real, built Spool server as a child process on a free port with a temporary data dir
// (and, in the PostgreSQL pass, a fresh database for each new data dir).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { databaseForDataDir, testDatabaseUrl } from './postgres.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const spoolBin = join(repoRoot, 'dist/cli/main.js');

export interface SpoolProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** url + '/v1', what SDKs take as their base URL */
  baseURL: string;
  dataDir: string;
  /** The PostgreSQL database it serves, or undefined on SQLite. */
  databaseUrl: string | undefined;
  child: ChildProcess;
  output(): string;
  /** Sends a signal and resolves with the exit code (or the signal name). */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface StartOptions {
  env?: Record<string, string>;
  args?: string[];
  /** Reuse a data dir (to restart over the same database). */
  dataDir?: string;
  /** Serve this PostgreSQL database (e.g. two replicas on one); by default the pass decides. */
  databaseUrl?: string;
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export function makeTempDir(prefix = 'spool-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * SPOOL_DATABASE_URL for a Spool over `dataDir`: none on SQLite, or when the test chose its store
 * itself; otherwise the pass's database for that data dir.
 */
async function databaseEnv(
  dataDir: string | undefined,
  args: readonly string[],
  env: Record<string, string> | undefined,
): Promise<Record<string, string>> {
  if (
    !testDatabaseUrl ||
    dataDir === undefined ||
    args.includes('--database-url') ||
    env?.SPOOL_DATABASE_URL !== undefined
  )
    return {};
  return { SPOOL_DATABASE_URL: await databaseForDataDir(dataDir) };
}

export async function startSpool(options: StartOptions = {}): Promise<SpoolProcess> {
  const dataDir = options.dataDir ?? makeTempDir();
  const storeEnv = options.databaseUrl
    ? { SPOOL_DATABASE_URL: options.databaseUrl }
    : await databaseEnv(dataDir, options.args ?? [], options.env);
  const databaseUrl = options.env?.SPOOL_DATABASE_URL ?? storeEnv.SPOOL_DATABASE_URL;
  const child = spawn(
    process.execPath,
    [spoolBin, 'serve', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    {
      env: { PATH: process.env.PATH ?? '', SPOOL_LOG_LEVEL: 'warn', ...storeEnv, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | string>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
  );
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`Spool did not start within 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Spool listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (!url) return;
      clearTimeout(timer);
      ready({
        url,
        baseURL: `${url}/v1`,
        dataDir,
        databaseUrl,
        child,
        output: () => output,
        stop(signal: NodeJS.Signals = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`Spool exited with ${code} before listening:\n${output}`));
    });
  });
}

/** The environment for an admin command (`spool keys|migrate|export ... --data-dir D`): in the PostgreSQL pass, D's database. */
export function adminCommandEnv(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Record<string, string>> {
  const dataDirAt = args.indexOf('--data-dir');
  return databaseEnv(dataDirAt >= 0 ? args[dataDirAt + 1] : undefined, args, env);
}

/** Runs `spool <args>` to completion; in the PostgreSQL pass, `--data-dir D` means D's database. */
export async function runSpool(
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const storeEnv = await adminCommandEnv(args, env);
  const child = spawn(process.execPath, [spoolBin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...storeEnv, ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}
