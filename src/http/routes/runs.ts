// /v1/threads/runs (create thread and run) and /v1/threads/{thread_id}/runs/...: create, list,
// retrieve, modify, cancel, submit tool outputs. Streaming requests get the run's events as SSE.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowSeconds } from '../../domain/clock.js';
import { ApiError, notFound } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { messageFromRequest } from '../../domain/message.js';
import { metadataFrom } from '../../domain/metadata.js';
import type { CreateMessageRequest, CreateRunRequest, CreateThreadAndRunRequest } from '../../domain/openapi/request-types.js';
import { listToWire, parseListParams, type Query } from '../../domain/pagination.js';
import { activeRunError, applyTransition, cancelRequested, isActive, resumedWithOutputs, type Run, runFromRequest, runToWire } from '../../domain/run.js';
import type { RunStep } from '../../domain/run-step.js';
import type { Thread } from '../../domain/thread.js';
import { toolResourcesFrom } from '../../domain/tool-resources.js';
import { parseRequest } from '../../domain/validate.js';
import { type RunEvent, runCreated, runEvent, stepEvent, threadCreated } from '../../runs/run-events.js';
import type { RunWorker } from '../../runs/run-worker.js';
import type { Repository } from '../../store/repository.js';
import type { RunsRepository } from '../../store/runs-repository.js';
import type { Store } from '../../store/store.js';
import { isUniqueViolation } from '../../store/dialect.js';
import { committedWrite } from '../idempotency.js';
import { objectId } from '../object-ids.js';
import { SseWriter } from '../sse.js';
import { type RunParams, requireRun, runIds } from './run-lookup.js';

interface ThreadParams {
  thread_id: string;
}

/** How soon the SDKs' *Poll helpers look again at an active run (they wait 5 s without it). */
const pollAfterMs = '100';

function withPollHint<T extends { status: Run['status'] }>(reply: FastifyReply, run: T): T {
  if (isActive(run.status)) reply.header('openai-poll-after-ms', pollAfterMs);
  return run;
}

function newMessages(threadId: string, inputs: readonly CreateMessageRequest[], createdAt: number) {
  return inputs.map((input) => messageFromRequest(threadId, input, newId('msg'), createdAt, metadataFrom(input.metadata)));
}

type RunInput = CreateRunRequest | CreateThreadAndRunRequest;

export function runRoutes(app: FastifyInstance, store: Store, worker: RunWorker): void {
  /** Answers a run that this replica just queued: as SSE (executing it inline), or as JSON (executing it in the background). */
  async function answerQueuedRun(request: FastifyRequest, reply: FastifyReply, input: RunInput, queue: (repo: Repository, runs: RunsRepository) => Promise<{ run: Run; opening: RunEvent[] }>) {
    if (input.stream) {
      const { run, opening } = await store.transaction(queue);
      const sse = new SseWriter(request, reply);
      try {
        for (const event of opening) sse.send(event);
        await worker.executeNow(request.projectId, run, sse.send);
      } finally {
        sse.end();
      }
      return reply;
    }
    const wire = await committedWrite(store, request, reply, async (repo, runs) => runToWire((await queue(repo, runs)).run));
    worker.kick(wire.id);
    return withPollHint(reply, wire);
  }

  app.post('/threads/runs', async (request, reply) => {
    const body = parseRequest('CreateThreadAndRunRequest', request.body);
    const assistantId = objectId('assistant_id', body.assistant_id, 'asst');
    const createdAt = nowSeconds();
    const threadInput = body.thread ?? {};
    const thread: Thread = { id: newId('thread'), created_at: createdAt, metadata: metadataFrom(threadInput.metadata), tool_resources: toolResourcesFrom(threadInput.tool_resources) };
    const messages = newMessages(thread.id, threadInput.messages ?? [], createdAt);
    return answerQueuedRun(request, reply, body, async (repo, runs) => {
      const assistant = await runs.getAssistant(request.projectId, assistantId);
      if (!assistant) throw notFound('assistant', assistantId);
      const run = runFromRequest({ id: newId('run'), threadId: thread.id }, createdAt, worker.runLifetimeSeconds, assistant, body);
      await repo.insertThread(request.projectId, thread);
      for (const message of messages) await repo.insertMessage(request.projectId, message);
      await runs.insertRun(request.projectId, run, worker.newLease());
      return { run, opening: [threadCreated(thread), runCreated(run), runEvent(run)] };
    });
  });

  app.post<{ Params: ThreadParams; Querystring: Query }>('/threads/:thread_id/runs', async (request, reply) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const body = parseRequest('CreateRunRequest', request.body);
    const assistantId = objectId('assistant_id', body.assistant_id, 'asst');
    const createdAt = nowSeconds();
    const messages = newMessages(threadId, body.additional_messages ?? [], createdAt);
    try {
      return await answerQueuedRun(request, reply, body, async (repo, runs) => {
        // The thread's lock orders this run against messages created at the same moment on other replicas.
        if (!(await repo.lockThread(request.projectId, threadId))) throw notFound('thread', threadId);
        const assistant = await runs.getAssistant(request.projectId, assistantId);
        if (!assistant) throw notFound('assistant', assistantId);
        const active = await runs.activeRun(request.projectId, threadId);
        if (active) throw activeRunError(threadId, active.id);
        const run = runFromRequest({ id: newId('run'), threadId }, createdAt, worker.runLifetimeSeconds, assistant, body);
        for (const message of messages) await repo.insertMessage(request.projectId, message);
        await runs.insertRun(request.projectId, run, worker.newLease());
        return { run, opening: [runCreated(run), runEvent(run)] };
      });
    } catch (error) {
      // Another replica created a run on this thread at the same moment: the unique index kept one.
      if (!isUniqueViolation(error)) throw error;
      const active = await store.runs.activeRun(request.projectId, threadId);
      throw activeRunError(threadId, active?.id ?? 'run_unknown');
    }
  });

  app.get<{ Params: ThreadParams; Querystring: Query }>('/threads/:thread_id/runs', async (request) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const params = parseListParams(request.query);
    if (!(await store.repo.getThread(request.projectId, threadId))) throw notFound('thread', threadId);
    return listToWire(await store.runs.listRuns(request.projectId, threadId, params), runToWire);
  });

  app.get<{ Params: RunParams }>('/threads/:thread_id/runs/:run_id', async (request, reply) => {
    const { threadId, runId } = runIds(request.params);
    return withPollHint(reply, runToWire(await requireRun(store.runs, store.repo, request.projectId, threadId, runId)));
  });

  app.post<{ Params: RunParams }>('/threads/:thread_id/runs/:run_id', async (request, reply) => {
    const { threadId, runId } = runIds(request.params);
    const body = parseRequest('ModifyRunRequest', request.body);
    const wire = await committedWrite(store, request, reply, async (repo, runs) => {
      await requireRun(runs, repo, request.projectId, threadId, runId);
      const run = await runs.updateRun(runId, (current) => {
        if ('metadata' in body) current.metadata = metadataFrom(body.metadata);
      });
      if (!run) throw notFound('run', runId);
      return runToWire(run);
    });
    return withPollHint(reply, wire);
  });

  app.post<{ Params: RunParams }>('/threads/:thread_id/runs/:run_id/cancel', async (request, reply) => {
    const { threadId, runId } = runIds(request.params);
    const wire = await store.transaction(async (repo, runs) => {
      const found = await requireRun(runs, repo, request.projectId, threadId, runId);
      if (!isActive(found.status)) throw new ApiError(400, `Cannot cancel run with status '${found.status}'.`);
      const run = await runs.updateRun(runId, (current) => {
        applyTransition(current, cancelRequested(current));
      });
      if (!run) throw notFound('run', runId);
      return runToWire(run);
    });
    // Whoever executes the run (this replica or another) ends it as cancelled.
    worker.notify(runId);
    return withPollHint(reply, wire);
  });

  app.post<{ Params: RunParams }>('/threads/:thread_id/runs/:run_id/submit_tool_outputs', async (request, reply) => {
    const { threadId, runId } = runIds(request.params);
    const body = parseRequest('SubmitToolOutputsRunRequest', request.body);
    const resume = async (repo: Repository, runs: RunsRepository) => {
      await requireRun(runs, repo, request.projectId, threadId, runId);
      // The status is checked on the locked row: of two submits at once (on any replicas), the
      // second waits for the first to commit, then sees the run queued and gets the 400.
      let expected: string[] = [];
      const run = await runs.updateRun(runId, (current) => {
        expected = current.required_action?.submit_tool_outputs.tool_calls.map((call) => call.id) ?? [];
        if (!applyTransition(current, resumedWithOutputs(current))) throw new ApiError(400, `Runs in status "${current.status}" do not accept tool outputs.`);
      });
      if (!run) throw notFound('run', runId);
      const outputs = toolOutputsByCall(body.tool_outputs, expected);
      const step = (await runs.inProgressStepsOfRun(runId)).find((candidate) => candidate.type === 'tool_calls');
      const completed = step ? withOutputs(step, outputs, nowSeconds()) : undefined;
      if (completed) await runs.saveStep(completed);
      await runs.claimRun(runId, worker.owner, Date.now(), worker.leaseMs);
      return { run, step: completed };
    };
    if (body.stream) {
      const { run, step } = await store.transaction(resume);
      const sse = new SseWriter(request, reply);
      try {
        if (step) sse.send(stepEvent(step));
        sse.send(runEvent(run));
        await worker.executeNow(request.projectId, run, sse.send);
      } finally {
        sse.end();
      }
      return reply;
    }
    const wire = await committedWrite(store, request, reply, async (repo, runs) => runToWire((await resume(repo, runs)).run));
    worker.kick(runId);
    return withPollHint(reply, wire);
  });
}

/** Checks that the outputs answer exactly the calls the run is waiting for, all at once. */
function toolOutputsByCall(outputs: ReadonlyArray<{ tool_call_id?: string; output?: string }>, expected: readonly string[]): Map<string, string> {
  const byCall = new Map<string, string>();
  for (const [index, output] of outputs.entries()) {
    if (output.tool_call_id === undefined) {
      throw new ApiError(400, `Missing required parameter: 'tool_outputs[${index}].tool_call_id'.`, 'invalid_request_error', `tool_outputs[${index}].tool_call_id`, 'missing_required_parameter');
    }
    if (!expected.includes(output.tool_call_id)) {
      throw new ApiError(400, `Invalid 'tool_outputs[${index}].tool_call_id': no tool call with id '${output.tool_call_id}' is waiting for output.`, 'invalid_request_error', `tool_outputs[${index}].tool_call_id`, 'invalid_value');
    }
    byCall.set(output.tool_call_id, output.output ?? '');
  }
  const missing = expected.filter((id) => !byCall.has(id));
  if (missing.length > 0) {
    throw new ApiError(400, `Expected tool outputs for call_ids [${expected.join(', ')}], got [${[...byCall.keys()].join(', ')}]. All outputs must be submitted in a single request.`, 'invalid_request_error', 'tool_outputs', 'invalid_value');
  }
  return byCall;
}

function withOutputs(step: RunStep, outputs: Map<string, string>, now: number): RunStep {
  if (step.step_details.type !== 'tool_calls') return step;
  for (const call of step.step_details.tool_calls) call.function.output = outputs.get(call.id) ?? null;
  return { ...step, status: 'completed', completed_at: now };
}
