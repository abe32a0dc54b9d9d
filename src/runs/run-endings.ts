// Ending a run early (failed, cancelled, expired): the run, its open steps and the messages it was
// writing all end together, in one transaction. Used by the executor and by the sweeper.
import { nowSeconds } from '../domain/clock.js';
import type { Message } from '../domain/message.js';
import { isActive, type Run, type RunError } from '../domain/run.js';
import type { RunStep } from '../domain/run-step.js';
import type { Store } from '../store/store.js';
import { emitMessage, emitRun, emitStep, type RunEventSink } from './run-events.js';

export type Ending = { status: 'failed'; error: RunError } | { status: 'cancelled' } | { status: 'expired' };

const messageReason = { failed: 'run_failed', cancelled: 'run_cancelled', expired: 'run_expired' } as const;

export interface Ended {
  run: Run;
  steps: RunStep[];
  messages: Message[];
}

/** Ends the run if it is still active; undefined when it was not (already ended, or gone). */
export async function endRun(store: Store, runId: string, ending: Ending): Promise<Ended | undefined> {
  const now = nowSeconds();
  return store.transaction(async (repo, runs) => {
    let wasActive = false;
    const run = await runs.updateRun(runId, (current) => {
      if (!isActive(current.status)) return;
      wasActive = true;
      current.status = ending.status;
      current.expires_at = null;
      current.required_action = null;
      if (ending.status === 'failed') {
        current.failed_at = now;
        current.last_error = ending.error;
      } else if (ending.status === 'cancelled') current.cancelled_at = now;
    });
    if (!run || !wasActive) return undefined;
    const steps = await runs.inProgressStepsOfRun(runId);
    for (const step of steps) {
      step.status = ending.status;
      step.expires_at = null;
      if (ending.status === 'failed') {
        step.failed_at = now;
        step.last_error = ending.error;
      } else if (ending.status === 'cancelled') step.cancelled_at = now;
      else step.expired_at = now;
      await runs.saveStep(step);
    }
    const messages = await repo.inProgressMessagesOfRun(runId);
    for (const message of messages) {
      message.status = 'incomplete';
      message.incomplete_at = now;
      message.incomplete_details = { reason: messageReason[ending.status] };
      await repo.saveMessageProgress(message);
    }
    return { run, steps, messages };
  });
}

export function emitEnded(sink: RunEventSink, ended: Ended): void {
  for (const step of ended.steps) emitStep(sink, step);
  for (const message of ended.messages) emitMessage(sink, message);
  emitRun(sink, ended.run);
}
