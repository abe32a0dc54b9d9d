// The figures of all rounds, reduced to medians and printed as Markdown tables.
import type { RunFigures } from './load.js';

export const throughputConnections = 50;
export const latencyConnections = 10;
const ratioAim = 0.6;
const p99AimMs = 5;
/** Server CPU per request aims (issue 9), at the request log's default level, beside the baseline's. */
const cpuAimsMicros: Record<string, number> = { 'create-thread': 150, 'retrieve-thread': 55 };

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Every measured run, by scenario, connection count and server, in round order. */
export class Results {
  private readonly runs = new Map<string, RunFigures[]>();

  add(scenario: string, connections: number, server: string, figures: RunFigures): void {
    const key = `${scenario}@${connections}/${server}`;
    this.runs.set(key, [...(this.runs.get(key) ?? []), figures]);
  }

  of(scenario: string, connections: number, server: string): RunFigures[] {
    return this.runs.get(`${scenario}@${connections}/${server}`) ?? [];
  }
}

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  minRps: number;
  maxRps: number;
  cpuMicros: number;
  serverCpu: number;
  loadCpuMax: number;
}

function summarise(runs: RunFigures[]): Summary {
  const rps = runs.map((run) => run.requestsPerSecond);
  return {
    rps: median(rps),
    p50: median(runs.map((run) => run.p50Ms)),
    p99: median(runs.map((run) => run.p99Ms)),
    minRps: Math.min(...rps),
    maxRps: Math.max(...rps),
    cpuMicros: median(runs.map((run) => run.serverCpuMicrosPerRequest)),
    serverCpu: median(runs.map((run) => run.serverCpu)),
    loadCpuMax: Math.max(...runs.map((run) => run.loadCpu)),
  };
}

/** The median of the per-round ratios of a figure, a/b: each round's runs were taken seconds apart. */
function pairedRatio(
  a: RunFigures[],
  b: RunFigures[],
  figure: (run: RunFigures) => number = (run) => run.requestsPerSecond,
): number {
  return median(
    a.flatMap((run, index) => {
      const other = b[index];
      return other ? [figure(run) / figure(other)] : [];
    }),
  );
}

/**
 * The throughput ratio a/b the CPU cost predicts, b's CPU per request over a's: what the ratio of
 * requests per second would be if both servers had a whole core. Unlike requests per second, CPU
 * per request hardly moves when other processes take the core away.
 */
function cpuRatio(a: RunFigures[], b: RunFigures[]): number {
  return 1 / pairedRatio(a, b, (run) => run.serverCpuMicrosPerRequest);
}

const rps = (value: number) => String(Math.round(value));
const ms = (value: number) => value.toFixed(2);
const ratio = (value: number) => value.toFixed(2);
const percent = (value: number) => `${Math.round(value * 100)}%`;

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export interface ReportInput {
  results: Results;
  scenarios: Array<{ id: string; title: string }>;
  spool: string;
  baseline: string;
}

export interface Verdicts {
  throughputMissed: string[];
  cpuRatioMissed: string[];
  latencyMissed: string[];
}

export function comparisonTables(input: ReportInput): { text: string; verdicts: Verdicts } {
  const { results, scenarios, spool, baseline } = input;
  const verdicts: Verdicts = { throughputMissed: [], cpuRatioMissed: [], latencyMissed: [] };
  const sections: string[] = [];
  for (const connections of [throughputConnections, latencyConnections]) {
    const rows = scenarios.map((scenario) => {
      const ours = results.of(scenario.id, connections, spool);
      const theirs = results.of(scenario.id, connections, baseline);
      const a = summarise(ours);
      const b = summarise(theirs);
      const r = pairedRatio(ours, theirs);
      const cpu = cpuRatio(ours, theirs);
      let aim: string;
      if (connections === throughputConnections) {
        aim = r >= ratioAim ? 'met' : 'MISSED';
        if (r < ratioAim) verdicts.throughputMissed.push(scenario.title);
        if (cpu < ratioAim) verdicts.cpuRatioMissed.push(scenario.title);
      } else {
        aim = a.p99 <= p99AimMs ? 'met' : 'MISSED';
        if (a.p99 > p99AimMs) verdicts.latencyMissed.push(scenario.title);
      }
      return [
        scenario.title,
        rps(a.rps),
        ms(a.p50),
        ms(a.p99),
        rps(b.rps),
        ms(b.p50),
        ms(b.p99),
        ratio(r),
        ratio(cpu),
        aim,
      ];
    });
    const aimHeader =
      connections === throughputConnections ? `aim: req/s ratio ≥ ${ratioAim}` : `aim: Spool p99 ≤ ${p99AimMs} ms`;
    const purpose = connections === throughputConnections ? 'throughput' : 'latency';
    sections.push(
      `### ${connections} connections (${purpose})\n\n` +
        table(
          [
            'endpoint',
            'Spool req/s',
            'p50 ms',
            'p99 ms',
            'baseline req/s',
            'p50 ms',
            'p99 ms',
            'Spool/baseline req/s',
            'by CPU/req',
            aimHeader,
          ],
          rows,
        ),
    );
  }
  return { text: sections.join('\n\n'), verdicts };
}

export function diagnosticsTable(input: ReportInput): string {
  const { results, scenarios, spool, baseline } = input;
  const rows = [throughputConnections, latencyConnections].flatMap((connections) =>
    scenarios.map((scenario) => {
      const a = summarise(results.of(scenario.id, connections, spool));
      const b = summarise(results.of(scenario.id, connections, baseline));
      return [
        `${scenario.title} @${connections}`,
        `${rps(a.minRps)}–${rps(a.maxRps)}`,
        `${rps(b.minRps)}–${rps(b.maxRps)}`,
        rps(a.cpuMicros),
        rps(b.cpuMicros),
        percent(a.serverCpu),
        percent(b.serverCpu),
        percent(Math.max(a.loadCpuMax, b.loadCpuMax)),
      ];
    }),
  );
  return table(
    [
      'endpoint @connections',
      'Spool req/s range',
      'baseline req/s range',
      'Spool CPU µs/req',
      'baseline CPU µs/req',
      'Spool CPU',
      'baseline CPU',
      'load gen CPU (max)',
    ],
    rows,
  );
}

/** Two Spool variants on one scenario, side by side at both connection counts. */
export function variantTable(
  results: Results,
  scenario: string,
  reference: [string, string],
  variant: [string, string],
): string {
  const rows = [throughputConnections, latencyConnections].map((connections) => {
    const ours = results.of(scenario, connections, reference[0]);
    const theirs = results.of(scenario, connections, variant[0]);
    const a = summarise(ours);
    const b = summarise(theirs);
    return [
      `${connections} connections`,
      rps(a.rps),
      ms(a.p50),
      ms(a.p99),
      rps(a.cpuMicros),
      rps(b.rps),
      ms(b.p50),
      ms(b.p99),
      rps(b.cpuMicros),
      ratio(pairedRatio(theirs, ours)),
    ];
  });
  const [refLabel, variantLabel] = [reference[1], variant[1]];
  return table(
    [
      '',
      `${refLabel} req/s`,
      'p50 ms',
      'p99 ms',
      'CPU µs/req',
      `${variantLabel} req/s`,
      'p50 ms',
      'p99 ms',
      'CPU µs/req',
      `${variantLabel}/${refLabel} req/s`,
    ],
    rows,
  );
}

export function verdictLines(verdicts: Verdicts, scenarioCount: number): string {
  const line = (aim: string, missed: string[]) =>
    missed.length === 0
      ? `- ${aim}: met on all ${scenarioCount} endpoints.`
      : `- ${aim}: missed on ${missed.length} of ${scenarioCount} (${missed.join(', ')}).`;
  return [
    line(
      `Throughput aim (Spool ≥ ${ratioAim} × baseline req/s at ${throughputConnections} connections)`,
      verdicts.throughputMissed,
    ),
    line(`The same aim judged by CPU per request (what a whole, quiet core would give)`, verdicts.cpuRatioMissed),
    line(`Latency aim (Spool p99 ≤ ${p99AimMs} ms at ${latencyConnections} connections)`, verdicts.latencyMissed),
  ].join('\n');
}

/** Spool's CPU per request against the aims, beside the baseline's in the same run (median of the runs at both connection counts). */
export function cpuAimLines(input: ReportInput): string {
  const { results, scenarios, spool, baseline } = input;
  return scenarios
    .filter((scenario) => cpuAimsMicros[scenario.id] !== undefined)
    .map((scenario) => {
      const aim = cpuAimsMicros[scenario.id] ?? 0;
      const runsOf = (server: string) =>
        [throughputConnections, latencyConnections].flatMap((connections) =>
          results.of(scenario.id, connections, server),
        );
      const ours = median(runsOf(spool).map((run) => run.serverCpuMicrosPerRequest));
      const theirs = median(runsOf(baseline).map((run) => run.serverCpuMicrosPerRequest));
      return `- CPU aim, ${scenario.title} ≤ ${aim} µs/request: Spool ${rps(ours)} µs (baseline ${rps(theirs)} µs in the same run): ${ours <= aim ? 'met' : 'MISSED'}.`;
    })
    .join('\n');
}

/** Per endpoint and connection count: an earlier build's CPU per request and p99 beside this one's and the baseline's. */
export function beforeAfterTable(input: ReportInput, before: string): string {
  const { results, scenarios, spool, baseline } = input;
  const rows = [throughputConnections, latencyConnections].flatMap((connections) =>
    scenarios.map((scenario) => {
      const now = summarise(results.of(scenario.id, connections, spool));
      const then = summarise(results.of(scenario.id, connections, before));
      const bare = summarise(results.of(scenario.id, connections, baseline));
      return [
        `${scenario.title} @${connections}`,
        rps(then.cpuMicros),
        rps(now.cpuMicros),
        rps(bare.cpuMicros),
        ms(then.p99),
        ms(now.p99),
        ms(bare.p99),
        ratio(
          pairedRatio(
            results.of(scenario.id, connections, spool),
            results.of(scenario.id, connections, before),
            (run) => run.serverCpuMicrosPerRequest,
          ),
        ),
      ];
    }),
  );
  return table(
    [
      'endpoint @connections',
      'before CPU µs/req',
      'now CPU µs/req',
      'baseline CPU µs/req',
      'before p99 ms',
      'now p99 ms',
      'baseline p99 ms',
      'now/before CPU',
    ],
    rows,
  );
}
