// The run's lifecycle as pure transitions: what each status may become, and what each transition
// sets. No server: these are the rules the executor, the sweeper and the routes apply.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Assistant } from '../../src/domain/assistant.js';
import type { Message } from '../../src/domain/message.js';
import {
  actionRequired,
  applyTransition,
  cancelRequested,
  completed,
  type Ending,
  ended,
  type FunctionToolCall,
  incomplete,
  messageEnded,
  type Run,
  type RunStatus,
  resumedWithOutputs,
  runFromRequest,
  started,
  stepEnded,
} from '../../src/domain/run.js';
import type { RunStep } from '../../src/domain/run-step.js';

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

const allStatuses: RunStatus[] = [
  'queued',
  'in_progress',
  'requires_action',
  'cancelling',
  'cancelled',
  'failed',
  'completed',
  'incomplete',
  'expired',
];
const call: FunctionToolCall = { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } };
const usage = {
  prompt_tokens: 3,
  completion_tokens: 2,
  total_tokens: 5,
  prompt_token_details: { cached_tokens: 1 },
  completion_tokens_details: { reasoning_tokens: 0 },
};

function runIn(status: RunStatus): Run {
  const run = runFromRequest({ id: 'run_1', threadId: 'thread_1' }, 100, 600, assistant, {});
  return {
    ...run,
    status,
    required_action:
      status === 'requires_action'
        ? { type: 'submit_tool_outputs', submit_tool_outputs: { tool_calls: [call] } }
        : null,
  };
}

/** The statuses from which `transition` moves the run. */
function followed(transition: (run: Run) => Run | undefined): RunStatus[] {
  return allStatuses.filter((status) => transition(runIn(status)) !== undefined);
}

describe('which statuses each transition follows', () => {
  test('started only from queued; completed, incomplete and requires_action only from in_progress', () => {
    assert.deepEqual(
      followed((run) => started(run, 200)),
      ['queued'],
    );
    assert.deepEqual(
      followed((run) => completed(run, 200, null)),
      ['in_progress'],
    );
    assert.deepEqual(
      followed((run) => incomplete(run, 'max_completion_tokens', null)),
      ['in_progress'],
    );
    assert.deepEqual(
      followed((run) => actionRequired(run, [call], null)),
      ['in_progress'],
    );
  });

  test('outputs resume only a run that requires action; cancel and early endings only an active run', () => {
    assert.deepEqual(followed(resumedWithOutputs), ['requires_action']);
    assert.deepEqual(followed(cancelRequested), ['queued', 'in_progress', 'requires_action', 'cancelling']);
    for (const ending of [
      { status: 'cancelled' },
      { status: 'expired' },
      { status: 'failed', error: { code: 'server_error', message: 'x' } },
    ] as Ending[]) {
      assert.deepEqual(
        followed((run) => ended(run, ending, 200)),
        ['queued', 'in_progress', 'requires_action', 'cancelling'],
      );
    }
  });

  test('a run that requires action but holds no calls is not resumed', () => {
    assert.equal(resumedWithOutputs({ ...runIn('requires_action'), required_action: null }), undefined);
  });
});

describe('what each transition sets', () => {
  test('started keeps the first start time (a run resumed after tool outputs starts again)', () => {
    assert.equal(started(runIn('queued'), 200)?.started_at, 200);
    const resumed = { ...runIn('queued'), started_at: 150 };
    assert.deepEqual(started(resumed, 200), { ...resumed, status: 'in_progress', started_at: 150 });
  });

  test('completed and incomplete stop the expiry and add the usage to what earlier segments used', () => {
    const run = { ...runIn('in_progress'), usage };
    assert.deepEqual(completed(run, 300, usage), {
      ...run,
      status: 'completed',
      completed_at: 300,
      expires_at: null,
      usage: {
        prompt_tokens: 6,
        completion_tokens: 4,
        total_tokens: 10,
        prompt_token_details: { cached_tokens: 2 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    assert.deepEqual(incomplete(run, 'max_prompt_tokens', null), {
      ...run,
      status: 'incomplete',
      incomplete_details: { reason: 'max_prompt_tokens' },
      expires_at: null,
      usage,
    });
  });

  test('requires_action holds the calls and keeps the expiry; outputs clear them and queue the run', () => {
    const waiting = actionRequired(runIn('in_progress'), [call], usage);
    assert.deepEqual(waiting?.required_action, {
      type: 'submit_tool_outputs',
      submit_tool_outputs: { tool_calls: [call] },
    });
    assert.equal(waiting?.expires_at, 700);
    assert.deepEqual(waiting?.usage, usage);
    const resumed = waiting && resumedWithOutputs(waiting);
    assert.equal(resumed?.status, 'queued');
    assert.equal(resumed?.required_action, null);
  });

  test('an early ending stamps its own time, clears the expiry and any required action', () => {
    const waiting = runIn('requires_action');
    const error = { code: 'server_error', message: 'boom' } as const;
    assert.deepEqual(ended(waiting, { status: 'failed', error }, 400), {
      ...waiting,
      status: 'failed',
      failed_at: 400,
      last_error: error,
      expires_at: null,
      required_action: null,
    });
    assert.deepEqual(ended(waiting, { status: 'cancelled' }, 400), {
      ...waiting,
      status: 'cancelled',
      cancelled_at: 400,
      expires_at: null,
      required_action: null,
    });
    assert.deepEqual(ended(waiting, { status: 'expired' }, 400), {
      ...waiting,
      status: 'expired',
      expires_at: null,
      required_action: null,
    });
  });

  test('transitions are pure: the run given is not changed', () => {
    const run = runIn('in_progress');
    const before = structuredClone(run);
    completed(run, 300, usage);
    ended(run, { status: 'cancelled' }, 300);
    assert.deepEqual(run, before);
  });

  test('applyTransition changes the locked run in place only when the transition moved it', () => {
    const current = runIn('completed');
    assert.equal(applyTransition(current, cancelRequested(current)), false);
    assert.equal(current.status, 'completed');
    const active = runIn('queued');
    assert.equal(applyTransition(active, cancelRequested(active)), true);
    assert.equal(active.status, 'cancelling');
  });
});

describe('steps and messages of a run that ends early', () => {
  const step: RunStep = {
    id: 'step_1',
    created_at: 100,
    run_id: 'run_1',
    assistant_id: 'asst_1',
    thread_id: 'thread_1',
    type: 'tool_calls',
    status: 'in_progress',
    cancelled_at: null,
    completed_at: null,
    expires_at: 700,
    expired_at: null,
    failed_at: null,
    last_error: null,
    step_details: { type: 'tool_calls', tool_calls: [] },
    usage: null,
  };
  const message = {
    id: 'msg_1',
    created_at: 100,
    thread_id: 'thread_1',
    status: 'in_progress',
    incomplete_details: null,
    completed_at: null,
    incomplete_at: null,
    role: 'assistant',
    content: [],
    assistant_id: 'asst_1',
    run_id: 'run_1',
    attachments: [],
    metadata: {},
  } as Message;

  test('an open step ends as the run does, at that time', () => {
    assert.deepEqual(stepEnded(step, { status: 'expired' }, 400), {
      ...step,
      status: 'expired',
      expired_at: 400,
      expires_at: null,
    });
    assert.deepEqual(stepEnded(step, { status: 'cancelled' }, 400), {
      ...step,
      status: 'cancelled',
      cancelled_at: 400,
      expires_at: null,
    });
    const error = { code: 'rate_limit_exceeded', message: 'slow down' } as const;
    assert.deepEqual(stepEnded(step, { status: 'failed', error }, 400), {
      ...step,
      status: 'failed',
      failed_at: 400,
      last_error: error,
      expires_at: null,
    });
    assert.equal(stepEnded({ ...step, status: 'completed' }, { status: 'expired' }, 400), undefined);
  });

  test('a message being written stays, incomplete, saying why', () => {
    assert.deepEqual(messageEnded(message, { status: 'cancelled' }, 400), {
      ...message,
      status: 'incomplete',
      incomplete_at: 400,
      incomplete_details: { reason: 'run_cancelled' },
    });
    assert.deepEqual(messageEnded(message, { status: 'expired' }, 400)?.incomplete_details, { reason: 'run_expired' });
    assert.equal(messageEnded({ ...message, status: 'completed' }, { status: 'expired' }, 400), undefined);
  });
});
