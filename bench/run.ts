// `npm run bench`: Spool's thread and message endpoints beside a bare node:http + SQLite baseline,
// in interleaved rounds, reported as medians. Exits non-zero only when the harness fails (a server
// does not start, answers differently from the other, or answers a measured request with an error),
// never because an aim is missed. Method and figures: bench/RESULTS.md.
// Usage: npm run bench -- [--rounds 10] [--duration 1] [--warmup 1]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measure } from './load.js';
import {
  beforeAfterTable,
  comparisonTables,
  cpuAimLines,
  diagnosticsTable,
  latencyConnections,
  Results,
  throughputConnections,
  variantTable,
  verdictLines,
} from './report.js';
import { checkEquivalence, type Fixture, type Scenario, scenarios, seedFixture, type Target } from './scenarios.js';
import { pinLoadGenerator, repoRoot, type ServerProcess, startBaseline, startSpool, walBytes } from './servers.js';

function positiveNumber(name: string, raw: string | undefined): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`bench: --${name} must be a positive number, got '${raw}'\n`);
    process.exit(2);
  }
  return value;
}

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '10' },
    duration: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '1' },
    'log-level': { type: 'string', default: 'info' },
    // A checkout of an earlier commit, built (`npm run build` there): its Spool runs every endpoint too, as `spool-before`.
    before: { type: 'string' },
  },
});
const logLevel = flags['log-level'];
const rounds = Math.round(positiveNumber('rounds', flags.rounds));
const durationSeconds = positiveNumber('duration', flags.duration);
const warmupSeconds = positiveNumber('warmup', flags.warmup);

/** One server under test, with what the load needs to reach it and the objects it holds. */
interface Contender {
  server: ServerProcess;
  target: Target;
  fixture: Fixture;
}

const betaHeader = { 'openai-beta': 'assistants=v2' };
const benchKey = 'sk-bench-auth-0123456789abcdefghijklmnopqrstuvwxyz';

const log = (line: string) => process.stderr.write(`${line}\n`);

function machine(placement: string): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const autocannonVersion = (
    JSON.parse(readFileSync(join(repoRoot, 'node_modules/autocannon/package.json'), 'utf8')) as { version: string }
  ).version;
  const filesystem =
    execFileSync('df', ['-T', tmpdir()], { encoding: 'utf8' }).trim().split('\n').at(-1)?.split(/\s+/)[1] ?? 'unknown';
  return [
    `- date: ${new Date().toISOString()}, Spool commit ${commit}`,
    `- CPU: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}`,
    `- Node ${process.version}, autocannon ${autocannonVersion}; data dirs under ${tmpdir()} (${filesystem})`,
    `- placement: ${placement}`,
    `- rounds: ${rounds} × ${durationSeconds} s per endpoint per server per connection count (after a ${warmupSeconds} s warm-up round), interleaved; medians reported`,
  ].join('\n');
}

async function contender(server: ServerProcess, headers: Record<string, string> = {}): Promise<Contender> {
  const target: Target = { name: server.name, url: server.url, headers: { ...betaHeader, ...headers } };
  return { server, target, fixture: await seedFixture(target) };
}

/** Microseconds that some task waited for a CPU, or for I/O, since boot (Linux pressure stall information). */
function stallMicros(resource: 'cpu' | 'io'): number {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync(`/proc/pressure/${resource}`, 'utf8'))?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** Rotates who goes first each round, so no server always runs on the tail of another's load. */
function rotated<T>(items: T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

async function main(): Promise<number> {
  const placement = pinLoadGenerator();
  const loadBefore = loadavg();
  const stallsBefore = { cpu: stallMicros('cpu'), io: stallMicros('io') };
  const started = Date.now();
  const processes: ServerProcess[] = [];
  const launch = async (starting: Promise<ServerProcess>) => {
    const server = await starting;
    processes.push(server);
    return server;
  };
  try {
    log('starting servers and seeding their threads...');
    const spool = await contender(await launch(startSpool('spool', { logLevel })));
    const baseline = await contender(await launch(startBaseline('baseline')));
    const spoolFull = await contender(
      await launch(startSpool('spool-full', { logLevel, args: ['--durability', 'full'] })),
    );
    const spoolAuth = await contender(
      await launch(startSpool('spool-auth', { logLevel, env: { SPOOL_API_KEYS: benchKey } })),
      { authorization: `Bearer ${benchKey}` },
    );
    // The request log's cost: the same Spool with request logs off, on one write and one read.
    const spoolQuiet = await contender(await launch(startSpool('spool-warn', { logLevel: 'warn' })));
    const spoolBefore = flags.before
      ? await contender(
          await launch(startSpool('spool-before', { logLevel, bin: join(flags.before, 'dist/cli/main.js') })),
        )
      : undefined;
    await checkEquivalence([spool.target, spool.fixture], [baseline.target, baseline.fixture]);

    // Spool with --durability full only for create thread, and with a key only for retrieve thread.
    const contendersFor = (scenario: Scenario): Contender[] => [
      spool,
      baseline,
      ...(spoolBefore ? [spoolBefore] : []),
      ...(scenario.id === 'create-thread' ? [spoolFull] : []),
      ...(scenario.id === 'retrieve-thread' ? [spoolAuth] : []),
      ...(logLevel !== 'warn' && (scenario.id === 'create-thread' || scenario.id === 'retrieve-thread')
        ? [spoolQuiet]
        : []),
    ];
    let largestWal = 0;
    const results = new Results();
    const failures: string[] = [];
    for (let round = 0; round <= rounds; round++) {
      const warmup = round === 0;
      for (const connections of warmup ? [throughputConnections] : [throughputConnections, latencyConnections]) {
        for (const scenario of scenarios) {
          for (const { server, target, fixture } of rotated(contendersFor(scenario), round)) {
            const figures = await measure(
              server,
              scenario.plan(target, fixture),
              connections,
              warmup ? warmupSeconds : durationSeconds,
            );
            if (server === spool.server) largestWal = Math.max(largestWal, walBytes(server));
            const label = `${warmup ? 'warm-up' : `round ${round}/${rounds}`} · ${connections} conns · ${scenario.title} · ${server.name}`;
            log(
              `${label}: ${Math.round(figures.requestsPerSecond)} req/s, p50 ${figures.p50Ms.toFixed(2)} ms, p99 ${figures.p99Ms.toFixed(2)} ms, ` +
                `server CPU ${Math.round(figures.serverCpu * 100)}%, load CPU ${Math.round(figures.loadCpu * 100)}%${figures.failures ? `, FAILED: ${figures.failures}` : ''}`,
            );
            if (figures.failures) failures.push(`${label}: ${figures.failures}`);
            if (!warmup) results.add(scenario.id, connections, server.name, figures);
          }
        }
      }
    }

    const input = { results, scenarios, spool: 'spool', baseline: 'baseline' };
    const comparison = comparisonTables(input);
    const loadAfter = loadavg();
    const elapsedMicros = (Date.now() - started) * 1000;
    const stalled = (resource: 'cpu' | 'io') =>
      `${Math.round(((stallMicros(resource) - stallsBefore[resource]) / elapsedMicros) * 100)}%`;
    console.log(
      [
        '## Spool vs. bare node:http + SQLite baseline',
        '',
        machine(placement),
        `- Spool's request logging: SPOOL_LOG_LEVEL=${logLevel}${logLevel === 'warn' ? ' (request logs off)' : ' (a JSON line per request, drained by the harness)'}`,
        `- Spool's write-ahead log (spool.db-wal), largest seen after a measured run: ${(largestWal / 2 ** 20).toFixed(1)} MiB`,
        `- load average (1 min) before/after: ${loadBefore[0]?.toFixed(2)} / ${loadAfter[0]?.toFixed(2)}; run took ${Math.round((Date.now() - started) / 1000)} s`,
        `- contention during the run (Linux PSI, share of time some task waited): for a CPU ${stalled('cpu')}, for I/O ${stalled('io')}`,
        '',
        comparison.text,
        '',
        verdictLines(comparison.verdicts, scenarios.length),
        cpuAimLines(input),
        '',
        '### Diagnostics (medians; ranges over rounds; CPU in % of one core)',
        '',
        diagnosticsTable(input),
        '',
        '### Durability: create thread, --durability normal vs full',
        '',
        variantTable(results, 'create-thread', ['spool', 'normal'], ['spool-full', 'full']),
        '',
        '### Auth: retrieve thread, open vs SPOOL_API_KEYS + Bearer key',
        '',
        variantTable(results, 'retrieve-thread', ['spool', 'open'], ['spool-auth', 'key']),
        ...(spoolBefore
          ? [
              '',
              `### This commit vs the build in ${flags.before} (spool-before), same run`,
              '',
              beforeAfterTable(input, 'spool-before'),
            ]
          : []),
        ...(logLevel === 'warn'
          ? []
          : [
              '',
              `### Request logging: SPOOL_LOG_LEVEL=${logLevel} vs warn (request logs off)`,
              '',
              variantTable(results, 'create-thread', ['spool', logLevel], ['spool-warn', 'warn']),
              '',
              variantTable(results, 'retrieve-thread', ['spool', logLevel], ['spool-warn', 'warn']),
            ]),
      ].join('\n'),
    );
    if (failures.length > 0) {
      log(
        `\nbench: ${failures.length} run(s) got error answers, so their figures are not valid:\n${failures.join('\n')}`,
      );
      return 1;
    }
    return 0;
  } finally {
    await Promise.all(processes.map((server) => server.stop()));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
