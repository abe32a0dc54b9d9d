// One measured run: autocannon against one server, with exact latency percentiles (autocannon's
// own histogram has 1 ms steps) and the CPU each side used.
import autocannon from 'autocannon';
import type { Plan } from './scenarios.js';
import type { ServerProcess } from './servers.js';

export interface RunFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** 2xx responses. */
  responses: number;
  /** Non-2xx responses, connection errors and timeouts, by kind; empty when there were none. */
  failures: string;
  /** CPU the server used, in cores (1 = one core busy the whole run). */
  serverCpu: number;
  /** Server CPU time per 2xx response, in microseconds. */
  serverCpuMicrosPerRequest: number;
  /** CPU the load generator (this process) used, in cores. */
  loadCpu: number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? Number.NaN;
}

export function measure(
  server: ServerProcess,
  plan: Plan,
  connections: number,
  durationSeconds: number,
): Promise<RunFigures> {
  const latencies: number[] = [];
  // Set again on autocannon's 'start', once its connections are built, before any response.
  let loadBefore = process.cpuUsage();
  let serverBefore = server.cpuSeconds();
  let started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections,
        duration: durationSeconds,
        amount: plan.amount,
        requests: plan.requests,
        timeout: 10,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const loadUsed = process.cpuUsage(loadBefore);
        const serverSeconds = server.cpuSeconds() - serverBefore;
        const sorted = Float64Array.from(latencies).sort();
        const failures = [
          result.non2xx > 0 ? `non-2xx: ${JSON.stringify(result.statusCodeStats)}` : '',
          result.errors > 0 ? `${result.errors} errors (${result.timeouts} timeouts)` : '',
        ]
          .filter((text) => text !== '')
          .join('; ');
        resolve({
          requestsPerSecond: sorted.length / seconds,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          responses: sorted.length,
          failures,
          serverCpu: serverSeconds / seconds,
          serverCpuMicrosPerRequest: sorted.length > 0 ? (serverSeconds * 1e6) / sorted.length : Number.NaN,
          loadCpu: (loadUsed.user + loadUsed.system) / 1e6 / seconds,
        });
      },
    );
    instance.on('start', () => {
      loadBefore = process.cpuUsage();
      serverBefore = server.cpuSeconds();
      started = process.hrtime.bigint();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
    });
  });
}
