// Ending a run early (failed, cancelled, expired): the run, its open steps and the messages it was
// writing all end together, in one transaction. Used by the executor and by the sweeper.
import { nowSeconds } from '../domain/clock.js';
import type { Message } from '../domain/message.js';
import { applyTransition, type Ending, ended, messageEnded, type Run, stepEnded } from '../domain/run.js';
import type { RunStep } from '../domain/run-step.js';
import type { Store } from '../store/store.js';
import { emitMessage, emitRun, emitStep, type RunEventSink } from './run-events.js';

export interface Ended {
  run: Run;
  steps: RunStep[];
  messages: Message[];
}

/** Ends the run if it is still active; undefined when it was not (already ended, or gone). */
export async function endRun(store: Store, runId: string, ending: Ending): Promise<Ended | undefined> {
  const now = nowSeconds();
  return store.transaction(async (tx) => {
    let wasActive = false;
    const run = await tx.runs.update(runId, (current) => {
      wasActive = applyTransition(current, ended(current, ending, now));
    });
    if (!run || !wasActive) return undefined;
    const steps: RunStep[] = [];
    for (const open of await tx.steps.inProgressOfRun(runId)) {
      const step = stepEnded(open, ending, now);
      if (!step) continue;
      await tx.steps.save(step);
      steps.push(step);
    }
    const messages: Message[] = [];
    for (const open of await tx.messages.inProgressOfRun(runId)) {
      const message = messageEnded(open, ending, now);
      if (!message) continue;
      await tx.messages.saveProgress(message);
      messages.push(message);
    }
    return { run, steps, messages };
  });
}

export function emitEnded(sink: RunEventSink, result: Ended): void {
  for (const step of result.steps) emitStep(sink, step);
  for (const message of result.messages) emitMessage(sink, message);
  emitRun(sink, result.run);
}
