// `npm run bench:profile`: where Spool's CPU goes under load. Runs one scenario against the built
// Spool (or the baseline, to compare) started with node's --cpu-prof, then summarises the samples
// taken during the load: by area (Spool's modules, each package, Node's internals, native code) and
// by function, in microseconds of CPU per request.
// Usage: npm run bench:profile -- [--server spool|baseline] [--scenario create-thread] [--connections 50] [--duration 8] [--top 25]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measure, type RunFigures } from './load.js';
import { scenarioById, seedFixture, type Target } from './scenarios.js';
import { makeDataDir, pinLoadGenerator, startBaseline, startSpool } from './servers.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

/** The .cpuprofile format V8 writes. Timestamps are microseconds on the system's monotonic clock. */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: flags } = parseArgs({
  options: {
    server: { type: 'string', default: 'spool' },
    scenario: { type: 'string', default: 'create-thread' },
    connections: { type: 'string', default: '50' },
    duration: { type: 'string', default: '8' },
    top: { type: 'string', default: '25' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const connections = Number(flags.connections);
const durationSeconds = Number(flags.duration);
const top = Number(flags.top);

/** Where a frame's code lives: a Spool module, a package, a Node internal, or native code. */
function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : `native: ${functionName || '(anonymous)'}`;
  if (url.startsWith('node:')) return `node: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const spool = /\/dist\/(.+)\.js$/.exec(url)?.[1];
  return spool ? `spool: ${spool}` : url;
}

function functionOf(frame: CallFrame): string {
  const area = areaOf(frame);
  if (frame.url === '') return area;
  const file = frame.url.split('/').slice(-2).join('/');
  return `${frame.functionName || '(anonymous)'} (${file}:${frame.lineNumber + 1})`;
}

/** Self and inclusive time per key, over the samples taken between `from` and `to`. */
function tally(profile: CpuProfile, keyOf: (frame: CallFrame) => string, from: number, to: number) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let at = profile.startTime;
  let busy = 0;
  let total = 0;
  profile.samples.forEach((sample, index) => {
    at += profile.timeDeltas[index] ?? 0;
    // A sample stands for the interval up to the next one.
    const weight = profile.timeDeltas[index + 1] ?? 0;
    if (at < from || at > to) return;
    const leaf = byId.get(sample);
    if (!leaf) return;
    total += weight;
    if (leaf.callFrame.functionName === '(idle)') return;
    busy += weight;
    const leafKey = keyOf(leaf.callFrame);
    self.set(leafKey, (self.get(leafKey) ?? 0) + weight);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parentOf.get(id)) {
      const node = byId.get(id);
      if (!node || node.callFrame.functionName === '(root)') continue;
      const key = keyOf(node.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + weight);
    }
  });
  return { self, inclusive, busy, total };
}

/** Rows of `key | µs/request | % of busy`, the µs being each key's share of the CPU measured per request. */
function rows(times: Map<string, number>, cpuMicrosPerRequest: number, busy: number, limit: number): string[] {
  return [...times.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(
      ([key, micros]) =>
        `| ${key} | ${((micros / busy) * cpuMicrosPerRequest).toFixed(1)} | ${((micros / busy) * 100).toFixed(1)}% |`,
    );
}

async function main(): Promise<void> {
  const scenario = scenarioById(flags.scenario);
  if (scenario.id === 'delete-thread')
    throw new Error(
      'delete-thread needs a create-thread run before it, which would share the profile; profile create-thread instead',
    );
  if (!(connections > 0 && durationSeconds > 0 && top > 0))
    throw new Error('--connections, --duration and --top must be positive numbers');
  if (flags.server !== 'spool' && flags.server !== 'baseline')
    throw new Error(`--server must be spool or baseline, got '${flags.server}'`);
  const placement = pinLoadGenerator();
  const profileDir = makeDataDir('cpu-profile');
  const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--cpu-prof-interval=200'];
  const server =
    flags.server === 'baseline'
      ? await startBaseline('baseline-profiled', nodeArgs)
      : await startSpool('spool-profiled', { nodeArgs, logLevel: flags['log-level'] });
  let figures: RunFigures;
  let window: [number, number];
  try {
    const target: Target = { name: server.name, url: server.url, headers: { 'openai-beta': 'assistants=v2' } };
    const fixture = await seedFixture(target);
    // A warm-up, so the profile shows the steady state rather than the JIT compiling.
    await measure(server, scenario.plan(target, fixture), connections, 2);
    const from = Number(process.hrtime.bigint() / 1000n);
    figures = await measure(server, scenario.plan(target, fixture), connections, durationSeconds);
    window = [from, Number(process.hrtime.bigint() / 1000n)];
  } finally {
    await server.stop();
  }
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`${server.name} wrote no CPU profile in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;
  const cpuMicros = figures.serverCpuMicrosPerRequest;
  const byArea = tally(profile, areaOf, ...window);
  const byFunction = tally(profile, functionOf, ...window);
  if (byArea.total === 0) throw new Error('no profile samples fell within the load window (clock mismatch?)');
  const header = (what: string) => [`| ${what} | µs/request | % of busy |`, '|---|---:|---:|'];
  console.log(
    [
      `## CPU profile of ${flags.server}: ${scenario.title}, ${connections} connections, ${durationSeconds} s`,
      '',
      `- SPOOL_LOG_LEVEL=${flags['log-level']}; ${placement}; ${Math.round(figures.requestsPerSecond)} req/s, p50 ${figures.p50Ms.toFixed(2)} ms, p99 ${figures.p99Ms.toFixed(2)} ms while profiled`,
      `- ${figures.responses} requests; the process used ${cpuMicros.toFixed(0)} µs of CPU per request (from /proc, profiler overhead included), shared out below by the profile's samples`,
      `- samples in the load window: ${(byArea.total / 1000).toFixed(0)} ms, of which not idle ${(byArea.busy / 1000).toFixed(0)} ms (${((byArea.busy / byArea.total) * 100).toFixed(0)}%)`,
      '',
      '### Self time by area',
      '',
      ...header('area'),
      ...rows(byArea.self, cpuMicros, byArea.busy, top),
      '',
      '### Inclusive time by area (time with the area anywhere on the stack)',
      '',
      ...header('area'),
      ...rows(byArea.inclusive, cpuMicros, byArea.busy, top),
      '',
      '### Self time by function',
      '',
      ...header('function'),
      ...rows(byFunction.self, cpuMicros, byArea.busy, top),
      '',
      '### Inclusive time by function',
      '',
      ...header('function'),
      ...rows(byFunction.inclusive, cpuMicros, byArea.busy, top),
    ].join('\n'),
  );
  if (figures.failures) throw new Error(`the profiled run got error answers: ${figures.failures}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:profile: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
