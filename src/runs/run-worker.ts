// Runs are units of work in the database; this worker claims and executes them. It starts the runs
// this replica creates at once, takes over queued runs nobody holds, expires runs past their time,
// and ends runs whose executing replica died (its lease lapsed).
import { randomBase62 } from '../domain/ids.js';
import { defaultRunLifetimeSeconds, type Run } from '../domain/run.js';
import type { Store } from '../store/store.js';
import { ModelClient } from './model-client.js';
import type { ModelConfig } from './model-config.js';
import { endRun } from './run-endings.js';
import { discardEvents, type RunEventSink } from './run-events.js';
import { type ExecutionOptions, RunExecution } from './run-execution.js';

export interface WorkerOptions {
  /** True when no other process can execute runs on this store (SQLite): claims left by a previous process are void. */
  exclusiveStore: boolean;
  log: ExecutionOptions['log'] & { info(object: object, message: string): void };
  leaseMs?: number;
  pollMs?: number;
  maxConcurrent?: number;
  /** How long a shutdown waits by default for runs in progress before ending them as failed. */
  shutdownGraceMs?: number;
  runLifetimeSeconds?: number;
}

export class RunWorker {
  readonly owner = `worker_${randomBase62(16)}`;
  private readonly executions = new Map<string, RunExecution>();
  private readonly running = new Set<Promise<void>>();
  private readonly model: { client: ModelClient; config: ModelConfig } | undefined;
  private readonly options: Required<Omit<WorkerOptions, 'log'>> & Pick<WorkerOptions, 'log'>;
  private timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    private readonly store: Store,
    modelConfig: ModelConfig | undefined,
    options: WorkerOptions,
  ) {
    this.model = modelConfig ? { client: new ModelClient(modelConfig), config: modelConfig } : undefined;
    this.options = {
      leaseMs: 30_000,
      pollMs: 500,
      maxConcurrent: 32,
      shutdownGraceMs: 10_000,
      runLifetimeSeconds: defaultRunLifetimeSeconds,
      ...options,
    };
  }

  /** A new lease for a run this replica creates and will execute itself. */
  newLease(): { owner: string; expiresAtMs: number } {
    return { owner: this.owner, expiresAtMs: Date.now() + this.options.leaseMs };
  }

  get runLifetimeSeconds(): number {
    return this.options.runLifetimeSeconds;
  }

  get leaseMs(): number {
    return this.options.leaseMs;
  }

  async start(): Promise<void> {
    if (this.options.exclusiveStore) await this.store.runs.releaseAllLeases();
    await this.sweep();
    this.timers = [
      setInterval(() => void this.poll(), this.options.pollMs),
      setInterval(() => void this.sweep(), 1_000),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** Executes a run this replica holds, sending its events to `sink`; resolves when it stops. */
  executeNow(projectId: string, run: Run, sink: RunEventSink): Promise<void> {
    const execution = new RunExecution(this.store, projectId, run, this.model, sink, {
      owner: this.owner,
      leaseMs: this.options.leaseMs,
      watchMs: 250,
      maxModelAttempts: 3,
      retryBaseMs: 250,
      log: this.options.log,
    });
    this.executions.set(run.id, execution);
    const done = execution.execute().finally(() => {
      this.executions.delete(run.id);
      this.running.delete(done);
    });
    this.running.add(done);
    return done;
  }

  /** Starts a run in the background (after its creating request was answered). */
  kick(runId: string): void {
    void this.claimAndExecute(runId);
  }

  /** Tells a local execution to look at its run now (a cancel landed). */
  notify(runId: string): void {
    const execution = this.executions.get(runId);
    if (execution) this.check(execution);
    else this.kick(runId);
  }

  /** Has an execution look at its run now; a failed look is logged (the watcher looks again soon). */
  private check(execution: RunExecution): void {
    execution
      .check()
      .catch((error: unknown) => this.options.log.warn({ err: error, run: execution.runId }, 'run check failed'));
  }

  private async claimAndExecute(runId: string): Promise<void> {
    if (this.stopping || this.executions.has(runId)) return;
    try {
      const claimed = await this.store.runs.claim(runId, this.owner, Date.now(), this.options.leaseMs);
      if (claimed) await this.executeNow(claimed.projectId, claimed.run, discardEvents);
    } catch (error) {
      this.options.log.warn({ err: error, run: runId }, 'could not start run');
    }
  }

  private polling = false;
  private async poll(): Promise<void> {
    if (this.polling || this.stopping) return;
    this.polling = true;
    try {
      while (!this.stopping && this.executions.size < this.options.maxConcurrent) {
        const claimed = await this.store.transaction((tx) =>
          tx.runs.claimQueued(this.owner, Date.now(), this.options.leaseMs),
        );
        if (!claimed) break;
        void this.executeNow(claimed.projectId, claimed.run, discardEvents);
      }
      // Cancelled while nobody executed them (waiting for tool outputs, or their replica died).
      for (const runId of await this.store.runs.unheldIds('cancelling', Date.now())) {
        if (!this.executions.has(runId)) this.kick(runId);
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'run poll failed');
    } finally {
      this.polling = false;
    }
  }

  private sweeping = false;
  private async sweep(): Promise<void> {
    if (this.sweeping || this.stopping) return;
    this.sweeping = true;
    try {
      for (const runId of await this.store.runs.expiredActiveIds(Math.floor(Date.now() / 1000))) {
        const ended = await endRun(this.store, runId, { status: 'expired' });
        const execution = this.executions.get(runId);
        if (ended && execution) this.check(execution);
      }
      for (const runId of await this.store.runs.unheldIds('in_progress', Date.now())) {
        if (this.executions.has(runId)) continue;
        await endRun(this.store, runId, {
          status: 'failed',
          error: { code: 'server_error', message: 'The server executing this run stopped before the run finished.' },
        });
      }
    } catch (error) {
      this.options.log.warn({ err: error }, 'run sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * Stops taking work; waits up to `graceMs` for runs in progress, then ends the rest as failed (their
   * streams get the failure as their last event), giving them up to `endingMs` to say so.
   */
  async stop(graceMs = this.options.shutdownGraceMs, endingMs = 1_000): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    await settledWithin([...this.running], graceMs);
    const ending = {
      status: 'failed',
      error: { code: 'server_error', message: 'The server shut down while the run was in progress.' },
    } as const;
    for (const execution of this.executions.values()) execution.endNow(ending);
    await settledWithin([...this.running], endingMs);
    // An execution that did not stop in time (a database that no longer answers, say) is ended directly.
    for (const runId of this.executions.keys()) await endRun(this.store, runId, ending).catch(() => undefined);
  }
}

/** Resolves when all `promises` have settled, or after `ms`. */
function settledWithin(promises: Promise<unknown>[], ms: number): Promise<unknown> {
  if (promises.length === 0) return Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([Promise.allSettled(promises), timeout]).finally(() => clearTimeout(timer));
}
