// The worker asks a local execution to look at its run (a cancel landed, the sweeper expired it):
// when the database fails at that moment, the failure is logged, never an unhandled rejection
// (which ends a Node 20 process). The store here is a stand-in whose status reads fail.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Assistant } from '../../src/domain/assistant.js';
import { runFromRequest } from '../../src/domain/run.js';
import { discardEvents } from '../../src/runs/run-events.js';
import { RunWorker } from '../../src/runs/run-worker.js';
import type { Store } from '../../src/store/store.js';

const assistant: Assistant = {
  id: 'asst_1',
  created_at: 0,
  name: null,
  description: null,
  model: 'gpt-4o',
  instructions: null,
  tools: [],
  tool_resources: {},
  metadata: {},
  top_p: 1,
  temperature: 1,
  response_format: 'auto',
  reasoning_effort: null,
};

/** Rejections nobody handled while `work` ran (and a moment after, for their turn of the event loop). */
async function unhandledDuring(work: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  return seen;
}

/** A stand-in store; `release` ends the transaction the execution is held in (the run is then gone). */
function failingStore(runId: string): { store: Store; release: () => void } {
  let transactions = 0;
  let release: () => void = () => undefined;
  const run = runFromRequest({ id: runId, threadId: 'thread_1' }, 0, 600, assistant, {});
  const stand = {
    // The execution's first transaction (starting the run) never ends, so it stays registered;
    // later ones (the sweeper's endRun) find the run active and end it.
    transaction: (work: (tx: unknown) => Promise<unknown>) => {
      transactions++;
      if (transactions === 1) return new Promise((resolve) => (release = () => resolve(undefined)));
      return work(stand);
    },
    messages: { inProgressOfRun: async () => [] },
    steps: { inProgressOfRun: async () => [] },
    runs: {
      status: () => Promise.reject(new Error('the database went away')),
      renewLease: async () => true,
      releaseLease: async () => undefined,
      expiredActiveIds: async () => [runId],
      unheldIds: async () => [],
      update: async (_id: string, change: (current: typeof run) => void) => {
        const current = { ...run, status: 'in_progress' as const };
        change(current);
        return current;
      },
    },
  };
  return { store: stand as unknown as Store, release: () => release() };
}

test('a cancel notified while the database fails: logged, not an unhandled rejection', async () => {
  const warnings: string[] = [];
  const log = {
    info: () => undefined,
    warn: (_object: object, message: string) => warnings.push(message),
    error: () => undefined,
  };
  const { store, release } = failingStore('run_notified');
  const worker = new RunWorker(store, undefined, { exclusiveStore: false, log });
  void worker.executeNow(
    'proj_1',
    runFromRequest({ id: 'run_notified', threadId: 'thread_1' }, 0, 600, assistant, {}),
    discardEvents,
  );
  try {
    const unhandled = await unhandledDuring(async () => worker.notify('run_notified'));
    assert.deepEqual(unhandled, []);
    assert.ok(warnings.includes('run check failed'), warnings.join(', '));
  } finally {
    release();
    await worker.stop(0, 1_000);
  }
});

test('the sweeper expires a run executing here while the database fails: logged, not an unhandled rejection', async () => {
  const warnings: string[] = [];
  const log = {
    info: () => undefined,
    warn: (_object: object, message: string) => warnings.push(message),
    error: () => undefined,
  };
  const { store, release } = failingStore('run_swept');
  const worker = new RunWorker(store, undefined, { exclusiveStore: false, log });
  void worker.executeNow(
    'proj_1',
    runFromRequest({ id: 'run_swept', threadId: 'thread_1' }, 0, 600, assistant, {}),
    discardEvents,
  );
  try {
    // start() sweeps once at once, before its timers (stopped below) begin.
    const unhandled = await unhandledDuring(() => worker.start());
    assert.deepEqual(unhandled, []);
    assert.ok(warnings.includes('run check failed'), warnings.join(', '));
  } finally {
    release();
    await worker.stop(0, 1_000);
  }
});
