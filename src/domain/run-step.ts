// What a run step is (a message the run wrote, or tool calls it made) and its wire shape.
import { ApiError, invalidValue, missingParameter } from './errors.js';
import { type RunError, type Usage, usageToWire } from './run.js';

export type RunStepStatus = 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired';

export interface FunctionCallDetails {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output: string | null };
}

export type StepDetails =
  | { type: 'message_creation'; message_creation: { message_id: string } }
  | { type: 'tool_calls'; tool_calls: FunctionCallDetails[] };

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
  /** The run's expiry while the step is live. */
  expires_at: number | null;
  /** When the step expired: kept in the store, never on the wire. */
  expired_at: number | null;
  failed_at: number | null;
  last_error: RunError | null;
  step_details: StepDetails;
  usage: Usage | null;
}

/**
 * The step in OpenAI's recorded key order, REST and SSE alike (openai-dotnet session records
 * BasicRunStepFunctionalityWorks, StreamingToolCall): `expires_at` (the run's expiry while the
 * step is live), and neither `expired_at` nor `metadata`, which OpenAI never sent. `expired_at`
 * stays in the stored step, which is how rows of earlier versions, that sent both, read back.
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
    failed_at: step.failed_at,
    last_error: step.last_error && { code: step.last_error.code, message: step.last_error.message },
    step_details: stepDetailsToWire(step.step_details),
    usage: step.usage && usageToWire(step.usage),
  };
}

function stepDetailsToWire(details: StepDetails): StepDetails {
  if (details.type === 'message_creation')
    return { type: 'message_creation', message_creation: { message_id: details.message_creation.message_id } };
  return {
    type: 'tool_calls',
    tool_calls: details.tool_calls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.function.name, arguments: call.function.arguments, output: call.function.output },
    })),
  };
}

/** Checks that the outputs answer exactly the calls the run is waiting for, all at once. */
export function toolOutputsByCall(
  outputs: ReadonlyArray<{ tool_call_id?: string; output?: string }>,
  expected: readonly string[],
): Map<string, string> {
  const byCall = new Map<string, string>();
  for (const [index, output] of outputs.entries()) {
    if (output.tool_call_id === undefined) {
      throw missingParameter(`tool_outputs[${index}].tool_call_id`);
    }
    if (!expected.includes(output.tool_call_id)) {
      throw invalidValue(
        `tool_outputs[${index}].tool_call_id`,
        `no tool call with id '${output.tool_call_id}' is waiting for output.`,
      );
    }
    byCall.set(output.tool_call_id, output.output ?? '');
  }
  const missing = expected.filter((id) => !byCall.has(id));
  if (missing.length > 0) {
    throw new ApiError(
      400,
      `Expected tool outputs for call_ids [${expected.join(', ')}], got [${[...byCall.keys()].join(', ')}]. All outputs must be submitted in a single request.`,
      { param: 'tool_outputs', code: 'invalid_value' },
    );
  }
  return byCall;
}

/** The tool calls step, completed with the outputs submitted for its calls. */
export function withOutputs(step: RunStep, outputs: Map<string, string>, now: number): RunStep {
  if (step.step_details.type !== 'tool_calls') return step;
  for (const call of step.step_details.tool_calls) call.function.output = outputs.get(call.id) ?? null;
  return { ...step, status: 'completed', completed_at: now };
}
