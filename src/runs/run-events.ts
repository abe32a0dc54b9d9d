// Every event a run's stream can carry: the SSE event names of the Assistants API, each with its
// wire payload, and where they go.
import { type Message, type MessageStatus, messageEventToWire } from '../domain/message.js';
import { type Run, type RunStatus, runToWire } from '../domain/run.js';
import { type RunStep, type RunStepStatus, runStepToWire } from '../domain/run-step.js';
import { type Thread, threadToWire } from '../domain/thread.js';

type RunWire = ReturnType<typeof runToWire>;
type StepWire = ReturnType<typeof runStepToWire>;
type MessageWire = ReturnType<typeof messageEventToWire>;

/** A piece of a tool call as the model streams it: the first names the call, the next add arguments. */
export type ToolCallDelta =
  | { index: number; id: string; type: 'function'; function: { name: string; arguments: ''; output: null } }
  | { index: number; type: 'function'; function: { arguments: string } };

export interface StepDelta {
  id: string;
  object: 'thread.run.step.delta';
  delta: { step_details: { type: 'tool_calls'; tool_calls: [ToolCallDelta] } };
}

/** The first delta of a text part carries `annotations: []`; later ones only the new text. */
export interface MessageDelta {
  id: string;
  object: 'thread.message.delta';
  delta: { content: [{ index: 0; type: 'text'; text: { value: string; annotations?: [] } }] };
}

export type RunEvent =
  | { event: 'thread.created'; data: ReturnType<typeof threadToWire> }
  | { event: `thread.run.${'created' | RunStatus}`; data: RunWire }
  | { event: `thread.run.step.${'created' | RunStepStatus}`; data: StepWire }
  | { event: 'thread.run.step.delta'; data: StepDelta }
  | { event: `thread.message.${'created' | MessageStatus}`; data: MessageWire }
  | { event: 'thread.message.delta'; data: MessageDelta };

export type RunEventSink = (event: RunEvent) => void;

/** For runs nobody is streaming. */
export const discardEvents: RunEventSink = () => {};

export function threadCreated(thread: Thread): RunEvent {
  return { event: 'thread.created', data: threadToWire(thread) };
}

export function runCreated(run: Run): RunEvent {
  return { event: 'thread.run.created', data: runToWire(run) };
}

/** The run reached its status (`thread.run.queued`, `thread.run.completed`, ...). */
export function runEvent(run: Run): RunEvent {
  return { event: `thread.run.${run.status}`, data: runToWire(run) };
}

export function stepEvent(step: RunStep, name: 'created' | RunStepStatus = step.status): RunEvent {
  return { event: `thread.run.step.${name}`, data: runStepToWire(step) };
}

export function messageEvent(message: Message, name: 'created' | MessageStatus = message.status): RunEvent {
  return { event: `thread.message.${name}`, data: messageEventToWire(message) };
}

export function messageTextDelta(messageId: string, text: string, first: boolean): RunEvent {
  return {
    event: 'thread.message.delta',
    data: {
      id: messageId,
      object: 'thread.message.delta',
      delta: {
        content: [{ index: 0, type: 'text', text: first ? { value: text, annotations: [] } : { value: text } }],
      },
    },
  };
}

export function toolCallDelta(stepId: string, call: ToolCallDelta): RunEvent {
  return {
    event: 'thread.run.step.delta',
    data: {
      id: stepId,
      object: 'thread.run.step.delta',
      delta: { step_details: { type: 'tool_calls', tool_calls: [call] } },
    },
  };
}

export function emitRun(sink: RunEventSink, run: Run): void {
  sink(runEvent(run));
}

export function emitStep(sink: RunEventSink, step: RunStep, name?: 'created' | RunStepStatus): void {
  sink(stepEvent(step, name));
}

export function emitMessage(sink: RunEventSink, message: Message, name?: 'created' | MessageStatus): void {
  sink(messageEvent(message, name));
}
