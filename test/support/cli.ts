// Runs the built `spool` binary as a client command: a clean environment (no OPENAI_* leaking in
// from the machine), optional stdin from a file or through a shell pipe, and a terminal on demand.
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminCommandEnv, makeTempDir, spoolBin } from './spool.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  /** Given to the command on stdin, redirected from a file (`spool ... < file`). */
  stdin?: string;
  cwd?: string;
}

function collect(child: ReturnType<typeof spawn>): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.once('close', (code) => done({ code, stdout, stderr })));
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdin: number | 'ignore' = 'ignore';
  if (options.stdin !== undefined) {
    const file = join(makeTempDir('spool-stdin-'), 'stdin');
    writeFileSync(file, options.stdin);
    stdin = openSync(file, 'r');
  }
  // Admin commands with --data-dir work on that data dir's database, in the PostgreSQL pass too.
  const storeEnv = await adminCommandEnv(args, options.env);
  const child = spawn(process.execPath, [spoolBin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...storeEnv, ...options.env },
    stdio: [stdin, 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  if (typeof stdin === 'number') closeSync(stdin);
  return collect(child);
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

export interface RunningCli {
  /** The first piece of stdout, as soon as it arrives (rejects if the command ends without any). */
  firstOutput: Promise<string>;
  /** Whether the command has ended. */
  exited(): boolean;
  done: Promise<CliResult>;
}

/** Starts `spool <args>` and lets the test watch its stdout arrive, piece by piece, while it runs. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const child = spawn(process.execPath, [spoolBin, ...args], {
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  let ended = false;
  const done = collect(child).finally(() => {
    ended = true;
  });
  const firstOutput = new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    void done.then((result) =>
      reject(new Error(`no output before the command ended (exit ${result.code}): ${result.stderr}`)),
    );
  });
  // Nobody may await firstOutput; its rejection after a resolution is a no-op anyway.
  firstOutput.catch(() => undefined);
  return { firstOutput, exited: () => ended, done };
}

/** `printf '%s' <input> | spool <args>`: stdin is a real pipe, as in a shell. */
export function pipeIntoCli(input: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const command = `printf '%s' ${shellQuote(input)} | ${shellQuote(process.execPath)} ${[spoolBin, ...args].map(shellQuote).join(' ')}`;
  return collect(
    spawn('sh', ['-c', command], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/** `spool <args> | <consumer>` in bash with pipefail: the exit code is spool's unless the consumer failed. */
export function runCliInto(args: string[], consumer: string, env: Record<string, string> = {}): Promise<CliResult> {
  const command = `set -o pipefail; ${[process.execPath, spoolBin, ...args].map(shellQuote).join(' ')} | ${consumer}`;
  return collect(
    spawn('bash', ['-c', command], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** Runs `spool <args>` with stdout on a terminal (util-linux `script` gives it a pty). */
export function runCliOnTerminal(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const command = [process.execPath, spoolBin, ...args].map(shellQuote).join(' ');
  return collect(
    spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/** Parses the JSON a command printed on stdout, failing with its stderr when it is not JSON. */
export function jsonOf<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON value (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}
