// The events a run emits as it goes (the SSE event names of the Assistants API), and where they go.
import { type Message, messageEventToWire } from '../domain/message.js';
import { type Run, runToWire } from '../domain/run.js';
import { type RunStep, runStepToWire } from '../domain/run-step.js';

export type RunEventSink = (event: string, data: unknown) => void;

/** For runs nobody is streaming. */
export const discardEvents: RunEventSink = () => {};

export function emitRun(sink: RunEventSink, run: Run): void {
  sink(`thread.run.${run.status}`, runToWire(run));
}

export function emitStep(sink: RunEventSink, step: RunStep, event: string = step.status): void {
  sink(`thread.run.step.${event}`, runStepToWire(step));
}

export function emitMessage(sink: RunEventSink, message: Message, event: string = message.status): void {
  sink(`thread.message.${event}`, messageEventToWire(message));
}
