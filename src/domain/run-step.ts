// What a run step is (a message the run wrote, or tool calls it made) and its wire shape.
import type { RunError, Usage } from './run.js';

export type RunStepStatus = 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired';

export interface FunctionCallDetails {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output: string | null };
}

export type StepDetails = { type: 'message_creation'; message_creation: { message_id: string } } | { type: 'tool_calls'; tool_calls: FunctionCallDetails[] };

export interface RunStep {
  id: string;
  created_at: number;
  run_id: string;
  assistant_id: string;
  thread_id: string;
  type: StepDetails['type'];
  status: RunStepStatus;
  cancelled_at: number | null;
  completed_at: number | null;
  /** The run's expiry while the step is live (streamed objects call it expires_at). */
  expires_at: number | null;
  expired_at: number | null;
  failed_at: number | null;
  last_error: RunError | null;
  step_details: StepDetails;
  usage: Usage | null;
}

/**
 * OpenAI's streamed steps say `expires_at` (the run's expiry) and its REST steps `expired_at`
 * (when the step expired): both are sent, which no SDK minds.
 */
export function runStepToWire(step: RunStep) {
  return {
    id: step.id,
    object: 'thread.run.step' as const,
    created_at: step.created_at,
    run_id: step.run_id,
    assistant_id: step.assistant_id,
    thread_id: step.thread_id,
    type: step.type,
    status: step.status,
    cancelled_at: step.cancelled_at,
    completed_at: step.completed_at,
    expires_at: step.expires_at,
    expired_at: step.expired_at,
    failed_at: step.failed_at,
    last_error: step.last_error,
    step_details: step.step_details,
    usage: step.usage,
    metadata: null,
  };
}
