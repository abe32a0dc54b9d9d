// What a run is: its statuses and lifecycle, how a create request and its assistant make one,
// and its wire shape in the key order of OpenAI's streamed runs.
import type { Assistant } from './assistant.js';
import { ApiError, invalidValue } from './errors.js';
import type { Message } from './message.js';
import type { MetadataMap } from './metadata.js';
import { metadataFrom } from './metadata.js';
import type {
  AssistantsApiResponseFormatOption,
  AssistantsApiToolChoiceOption,
  CreateRunRequest,
  CreateThreadAndRunRequest,
  ReasoningEffort,
  TruncationObject,
} from './openapi/request-types.js';
import type { RunStep } from './run-step.js';
import type { ToolResources } from './tool-resources.js';
import { toolResourcesFrom, toolResourcesToWire } from './tool-resources.js';
import { responseFormatToWire, type Tool, toolsToWire } from './tools.js';

export type RunStatus =
  | 'queued'
  | 'in_progress'
  | 'requires_action'
  | 'cancelling'
  | 'cancelled'
  | 'failed'
  | 'completed'
  | 'incomplete'
  | 'expired';

/** The statuses in which a run holds its thread: no new message or run until it ends. */
export const activeRunStatuses: readonly RunStatus[] = ['queued', 'in_progress', 'requires_action', 'cancelling'];
/** The statuses a run ends in: only then does it report its usage. */
export const terminalRunStatuses: readonly RunStatus[] = ['completed', 'incomplete', 'failed', 'cancelled', 'expired'];

/** A run expires this long after it was created if it has not ended by then (OpenAI: 600 s). */
export const defaultRunLifetimeSeconds = 600;

export interface FunctionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface RunError {
  code: 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt';
  message: string;
}

/**
 * Tokens a run or step used. The details come from the model server's `prompt_tokens_details` /
 * `completion_tokens_details`; rows written before Spool kept them have none (read as 0).
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_token_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface Run {
  id: string;
  created_at: number;
  assistant_id: string;
  thread_id: string;
  status: RunStatus;
  started_at: number | null;
  expires_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  completed_at: number | null;
  required_action: { type: 'submit_tool_outputs'; submit_tool_outputs: { tool_calls: FunctionToolCall[] } } | null;
  last_error: RunError | null;
  model: string;
  instructions: string | null;
  tools: Tool[];
  tool_resources: ToolResources;
  metadata: MetadataMap;
  temperature: number | null;
  top_p: number | null;
  max_completion_tokens: number | null;
  max_prompt_tokens: number | null;
  truncation_strategy: TruncationObject;
  incomplete_details: { reason: 'max_completion_tokens' | 'max_prompt_tokens' } | null;
  usage: Usage | null;
  response_format: AssistantsApiResponseFormatOption;
  tool_choice: AssistantsApiToolChoiceOption;
  parallel_tool_calls: boolean;
  reasoning_effort: ReasoningEffort;
  /** Appended to the instructions for this run only; not part of the wire object. */
  additional_instructions: string | null;
}

export function isActive(status: RunStatus): boolean {
  return activeRunStatuses.includes(status);
}

export function isTerminal(status: RunStatus): boolean {
  return terminalRunStatuses.includes(status);
}

type RunOverrides = Pick<
  CreateRunRequest,
  | 'model'
  | 'instructions'
  | 'tools'
  | 'metadata'
  | 'temperature'
  | 'top_p'
  | 'max_prompt_tokens'
  | 'max_completion_tokens'
  | 'truncation_strategy'
  | 'tool_choice'
  | 'parallel_tool_calls'
  | 'response_format'
  | 'reasoning_effort'
>;

/** A new queued run: the assistant's settings, overridden by what the request gives. */
export function runFromRequest(
  ids: { id: string; threadId: string },
  createdAt: number,
  lifetimeSeconds: number,
  assistant: Assistant,
  input: RunOverrides & {
    additional_instructions?: string | null;
    tool_resources?: CreateThreadAndRunRequest['tool_resources'];
  },
): Run {
  // The schema bounds max_*_tokens (>= 256) and last_messages (>= 1), but does not require
  // last_messages when the type is 'last_messages'.
  const truncation = input.truncation_strategy ?? { type: 'auto', last_messages: null };
  if (
    truncation.type === 'last_messages' &&
    (truncation.last_messages === undefined || truncation.last_messages === null)
  ) {
    throw invalidValue('truncation_strategy.last_messages', "expected an integer >= 1 when type is 'last_messages'.");
  }
  return {
    id: ids.id,
    created_at: createdAt,
    assistant_id: assistant.id,
    thread_id: ids.threadId,
    status: 'queued',
    started_at: null,
    expires_at: createdAt + lifetimeSeconds,
    cancelled_at: null,
    failed_at: null,
    completed_at: null,
    required_action: null,
    last_error: null,
    model: input.model ?? assistant.model,
    instructions: input.instructions ?? assistant.instructions,
    tools: input.tools ?? assistant.tools,
    tool_resources:
      input.tool_resources !== undefined ? toolResourcesFrom(input.tool_resources) : assistant.tool_resources,
    metadata: metadataFrom(input.metadata),
    temperature: input.temperature ?? assistant.temperature,
    top_p: input.top_p ?? assistant.top_p,
    max_completion_tokens: input.max_completion_tokens ?? null,
    max_prompt_tokens: input.max_prompt_tokens ?? null,
    truncation_strategy: { type: truncation.type, last_messages: truncation.last_messages ?? null },
    incomplete_details: null,
    usage: null,
    response_format: input.response_format ?? assistant.response_format,
    tool_choice: input.tool_choice ?? 'auto',
    parallel_tool_calls: input.parallel_tool_calls ?? true,
    reasoning_effort: input.reasoning_effort ?? assistant.reasoning_effort,
    additional_instructions: input.additional_instructions ?? null,
  };
}

export function addUsage(total: Usage | null, more: Usage | null): Usage | null {
  if (!more) return total;
  if (!total) return usageToWire(more);
  return {
    prompt_tokens: total.prompt_tokens + more.prompt_tokens,
    completion_tokens: total.completion_tokens + more.completion_tokens,
    total_tokens: total.total_tokens + more.total_tokens,
    prompt_token_details: {
      cached_tokens: (total.prompt_token_details?.cached_tokens ?? 0) + (more.prompt_token_details?.cached_tokens ?? 0),
    },
    completion_tokens_details: {
      reasoning_tokens:
        (total.completion_tokens_details?.reasoning_tokens ?? 0) +
        (more.completion_tokens_details?.reasoning_tokens ?? 0),
    },
  };
}

/** Usage as OpenAI sent it on runs and steps, details included (0 when the model server gave none). */
export function usageToWire(usage: Usage): Required<Usage> {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
    prompt_token_details: { cached_tokens: usage.prompt_token_details?.cached_tokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
  };
}

/**
 * The run in OpenAI's recorded key order (openai-dotnet session records BasicRunOperationsWork,
 * StreamingRunWorks), REST and SSE alike. `usage` stays null until the run ends, though Spool
 * keeps counting it while the run waits for tool outputs. Rows written by earlier versions (no
 * reasoning_effort, tools without defaults) read back in this shape.
 */
export function runToWire(run: Run) {
  return {
    id: run.id,
    object: 'thread.run' as const,
    created_at: run.created_at,
    assistant_id: run.assistant_id,
    thread_id: run.thread_id,
    status: run.status,
    started_at: run.started_at,
    expires_at: run.expires_at,
    cancelled_at: run.cancelled_at,
    failed_at: run.failed_at,
    completed_at: run.completed_at,
    required_action: run.required_action && {
      type: 'submit_tool_outputs' as const,
      submit_tool_outputs: {
        tool_calls: run.required_action.submit_tool_outputs.tool_calls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.function.name, arguments: call.function.arguments },
        })),
      },
    },
    last_error: run.last_error && { code: run.last_error.code, message: run.last_error.message },
    model: run.model,
    instructions: run.instructions,
    tools: toolsToWire(run.tools),
    tool_resources: toolResourcesToWire(run.tool_resources),
    metadata: run.metadata,
    temperature: run.temperature,
    top_p: run.top_p,
    reasoning_effort: run.reasoning_effort ?? null,
    max_completion_tokens: run.max_completion_tokens,
    max_prompt_tokens: run.max_prompt_tokens,
    truncation_strategy: {
      type: run.truncation_strategy.type,
      last_messages: run.truncation_strategy.last_messages ?? null,
    },
    incomplete_details: run.incomplete_details && { reason: run.incomplete_details.reason },
    usage: isTerminal(run.status) && run.usage ? usageToWire(run.usage) : null,
    response_format: responseFormatToWire(run.response_format),
    tool_choice: toolChoiceToWire(run.tool_choice),
    parallel_tool_calls: run.parallel_tool_calls,
  };
}

function toolChoiceToWire(choice: AssistantsApiToolChoiceOption): AssistantsApiToolChoiceOption {
  if (typeof choice === 'string') return choice;
  return choice.function ? { type: choice.type, function: { name: choice.function.name } } : { type: choice.type };
}

export function activeRunError(threadId: string, runId: string): ApiError {
  return new ApiError(400, `Thread ${threadId} already has an active run ${runId}.`);
}

export function messageDuringRunError(threadId: string, runId: string): ApiError {
  return new ApiError(400, `Can't add messages to ${threadId} while a run ${runId} is active.`);
}

// The run's lifecycle, as pure transitions: each returns the run as it becomes, or undefined when
// the run's status cannot move that way (a cancel or an expiry decided elsewhere won the race, say).
// queued → in_progress → completed | incomplete | requires_action; requires_action → queued (outputs);
// an active run → cancelling, and any active run ends early as failed, cancelled or expired.

/** How a run ends early, its open steps and messages with it. */
export type Ending = { status: 'failed'; error: RunError } | { status: 'cancelled' } | { status: 'expired' };

export function started(run: Run, now: number): Run | undefined {
  if (run.status !== 'queued') return undefined;
  return { ...run, status: 'in_progress', started_at: run.started_at ?? now };
}

export function completed(run: Run, now: number, usage: Usage | null): Run | undefined {
  if (run.status !== 'in_progress') return undefined;
  return { ...run, status: 'completed', completed_at: now, expires_at: null, usage: addUsage(run.usage, usage) };
}

export function incomplete(
  run: Run,
  reason: 'max_completion_tokens' | 'max_prompt_tokens',
  usage: Usage | null,
): Run | undefined {
  if (run.status !== 'in_progress') return undefined;
  return {
    ...run,
    status: 'incomplete',
    incomplete_details: { reason },
    expires_at: null,
    usage: addUsage(run.usage, usage),
  };
}

export function actionRequired(run: Run, calls: FunctionToolCall[], usage: Usage | null): Run | undefined {
  if (run.status !== 'in_progress') return undefined;
  return {
    ...run,
    status: 'requires_action',
    required_action: { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: calls } },
    usage: addUsage(run.usage, usage),
  };
}

/** Whoever executes the run ends it as cancelled; a run already cancelling stays so. */
export function cancelRequested(run: Run): Run | undefined {
  if (!isActive(run.status)) return undefined;
  return { ...run, status: 'cancelling' };
}

/** The outputs of the calls it waited for arrived: the run is queued again to go on. */
export function resumedWithOutputs(run: Run): Run | undefined {
  if (run.status !== 'requires_action' || !run.required_action) return undefined;
  return { ...run, status: 'queued', required_action: null };
}

export function ended(run: Run, ending: Ending, now: number): Run | undefined {
  if (!isActive(run.status)) return undefined;
  const next: Run = { ...run, status: ending.status, expires_at: null, required_action: null };
  if (ending.status === 'failed') return { ...next, failed_at: now, last_error: ending.error };
  if (ending.status === 'cancelled') return { ...next, cancelled_at: now };
  return next;
}

/** A step the run had open when it ended early. */
export function stepEnded(step: RunStep, ending: Ending, now: number): RunStep | undefined {
  if (step.status !== 'in_progress') return undefined;
  const next: RunStep = { ...step, status: ending.status, expires_at: null };
  if (ending.status === 'failed') return { ...next, failed_at: now, last_error: ending.error };
  if (ending.status === 'cancelled') return { ...next, cancelled_at: now };
  return { ...next, expired_at: now };
}

const endingReason = { failed: 'run_failed', cancelled: 'run_cancelled', expired: 'run_expired' } as const;

/** A message the run was writing when it ended early: it stays, incomplete. */
export function messageEnded(message: Message, ending: Ending, now: number): Message | undefined {
  if (message.status !== 'in_progress') return undefined;
  return {
    ...message,
    status: 'incomplete',
    incomplete_at: now,
    incomplete_details: { reason: endingReason[ending.status] },
  };
}

/**
 * Applies a transition to the run that `RunsRepository.update` hands its change (a locked row it
 * then saves); true when the run moved, false when its status refused.
 */
export function applyTransition(current: Run, next: Run | undefined): boolean {
  if (!next) return false;
  Object.assign(current, next);
  return true;
}
