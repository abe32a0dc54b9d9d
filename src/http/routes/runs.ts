// /v1/threads/runs (create thread and run) and /v1/threads/{thread_id}/runs/...: create, list,
// retrieve, modify, cancel, submit tool outputs. Streaming requests get the run's events as SSE.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowSeconds } from '../../domain/clock.js';
import { ApiError, notFound } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { messageFromRequest } from '../../domain/message.js';
import { metadataFrom } from '../../domain/metadata.js';
import type { CreateMessageRequest } from '../../domain/openapi/request-types.js';
import { listToWire, parseListParams, type Query } from '../../domain/pagination.js';
import {
  activeRunError,
  applyTransition,
  cancelRequested,
  isActive,
  resumedWithOutputs,
  type Run,
  runFromRequest,
  runToWire,
} from '../../domain/run.js';
import { toolOutputsByCall, withOutputs } from '../../domain/run-step.js';
import { threadFromRequest } from '../../domain/thread.js';
import { parseInclude, parseRequest } from '../../domain/validate.js';
import { type RunEvent, runCreated, runEvent, stepEvent, threadCreated } from '../../runs/run-events.js';
import type { RunWorker } from '../../runs/run-worker.js';
import { isUniqueViolation } from '../../store/dialect.js';
import type { Repositories, Store } from '../../store/store.js';
import { committedWrite, idempotentWrite } from '../idempotency.js';
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
  return inputs.map((input) =>
    messageFromRequest(threadId, input, newId('msg'), createdAt, metadataFrom(input.metadata)),
  );
}

/** A run this request just queued (or resumed), and the events its stream opens with. */
interface Queued {
  run: Run;
  opening: RunEvent[];
}

export function runRoutes(app: FastifyInstance, store: Store, worker: RunWorker): void {
  /**
   * Answers the three POSTs that start a run, through the idempotency path: as SSE (executing the
   * run inline), or as JSON (executing it in the background). A retry with the same key starts
   * nothing: it gets the stored run as JSON, or, when streaming, the run as it is now.
   */
  async function answerRun(
    request: FastifyRequest,
    reply: FastifyReply,
    stream: boolean | null | undefined,
    work: (tx: Repositories) => Promise<Queued>,
  ) {
    const written = await idempotentWrite(store, request, reply, work, ({ run }) => runToWire(run));
    if (!stream) {
      if ('replayed' in written) return withPollHint(reply, written.replayed);
      worker.kick(written.fresh.run.id);
      return withPollHint(reply, runToWire(written.fresh.run));
    }
    if ('replayed' in written) {
      // The first request's events went to its own connection (it may still be streaming them):
      // the retry gets the run as it is now.
      const run = await requireRun(store, request.projectId, written.replayed.thread_id, written.replayed.id);
      const sse = new SseWriter(request, reply);
      sse.send(runEvent(run));
      sse.end();
      return reply;
    }
    const sse = new SseWriter(request, reply);
    try {
      for (const event of written.fresh.opening) sse.send(event);
      await worker.executeNow(request.projectId, written.fresh.run, sse.send);
    } finally {
      sse.end();
    }
    return reply;
  }

  app.post('/threads/runs', async (request, reply) => {
    const body = parseRequest('CreateThreadAndRunRequest', request.body);
    const assistantId = objectId('assistant_id', body.assistant_id, 'asst');
    const createdAt = nowSeconds();
    const threadInput = body.thread ?? {};
    const thread = threadFromRequest({ id: newId('thread'), createdAt }, threadInput, 'thread');
    const messages = newMessages(thread.id, threadInput.messages ?? [], createdAt);
    return answerRun(request, reply, body.stream, async (tx) => {
      const assistant = await tx.assistants.get(request.projectId, assistantId);
      if (!assistant) throw notFound('assistant', assistantId);
      const run = runFromRequest(
        { id: newId('run'), threadId: thread.id },
        createdAt,
        worker.runLifetimeSeconds,
        assistant,
        body,
      );
      await tx.threads.insert(request.projectId, thread);
      for (const message of messages) await tx.messages.insert(request.projectId, message);
      await tx.runs.insert(request.projectId, run, worker.newLease());
      return { run, opening: [threadCreated(thread), runCreated(run), runEvent(run)] };
    });
  });

  app.post<{ Params: ThreadParams; Querystring: Query }>('/threads/:thread_id/runs', async (request, reply) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    parseInclude(request.query);
    const body = parseRequest('CreateRunRequest', request.body);
    const assistantId = objectId('assistant_id', body.assistant_id, 'asst');
    const createdAt = nowSeconds();
    const messages = newMessages(threadId, body.additional_messages ?? [], createdAt);
    try {
      return await answerRun(request, reply, body.stream, async (tx) => {
        // The thread's lock orders this run against messages created at the same moment on other replicas.
        if (!(await tx.threads.lock(request.projectId, threadId))) throw notFound('thread', threadId);
        const assistant = await tx.assistants.get(request.projectId, assistantId);
        if (!assistant) throw notFound('assistant', assistantId);
        const active = await tx.runs.active(request.projectId, threadId);
        if (active) throw activeRunError(threadId, active.id);
        const run = runFromRequest(
          { id: newId('run'), threadId },
          createdAt,
          worker.runLifetimeSeconds,
          assistant,
          body,
        );
        for (const message of messages) await tx.messages.insert(request.projectId, message);
        await tx.runs.insert(request.projectId, run, worker.newLease());
        return { run, opening: [runCreated(run), runEvent(run)] };
      });
    } catch (error) {
      // Another replica created a run on this thread at the same moment: the unique index on active
      // runs kept one. (With an Idempotency-Key, idempotentWrite first retries once, as for a key
      // raced on, and that retry finds the active run: the same 400.)
      if (!isUniqueViolation(error)) throw error;
      const active = await store.runs.active(request.projectId, threadId);
      throw activeRunError(threadId, active?.id ?? 'run_unknown');
    }
  });

  app.get<{ Params: ThreadParams; Querystring: Query }>('/threads/:thread_id/runs', async (request) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const params = parseListParams(request.query);
    if (!(await store.threads.get(request.projectId, threadId))) throw notFound('thread', threadId);
    return listToWire(await store.runs.list(request.projectId, threadId, params), runToWire);
  });

  app.get<{ Params: RunParams }>('/threads/:thread_id/runs/:run_id', async (request, reply) => {
    const { threadId, runId } = runIds(request.params);
    return withPollHint(reply, runToWire(await requireRun(store, request.projectId, threadId, runId)));
  });

  app.post<{ Params: RunParams }>('/threads/:thread_id/runs/:run_id', async (request, reply) => {
    const { threadId, runId } = runIds(request.params);
    const body = parseRequest('ModifyRunRequest', request.body);
    const wire = await committedWrite(store, request, reply, async (tx) => {
      await requireRun(tx, request.projectId, threadId, runId);
      const run = await tx.runs.update(runId, (current) => {
        if ('metadata' in body) current.metadata = metadataFrom(body.metadata);
      });
      if (!run) throw notFound('run', runId);
      return runToWire(run);
    });
    return withPollHint(reply, wire);
  });

  app.post<{ Params: RunParams }>('/threads/:thread_id/runs/:run_id/cancel', async (request, reply) => {
    const { threadId, runId } = runIds(request.params);
    const wire = await store.transaction(async (tx) => {
      const found = await requireRun(tx, request.projectId, threadId, runId);
      if (!isActive(found.status)) throw new ApiError(400, `Cannot cancel run with status '${found.status}'.`);
      const run = await tx.runs.update(runId, (current) => {
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
    return answerRun(request, reply, body.stream, async (tx) => {
      await requireRun(tx, request.projectId, threadId, runId);
      // The status is checked on the locked row: of two submits at once (on any replicas), the
      // second waits for the first to commit, then sees the run queued and gets the 400.
      let expected: string[] = [];
      const run = await tx.runs.update(runId, (current) => {
        expected = current.required_action?.submit_tool_outputs.tool_calls.map((call) => call.id) ?? [];
        if (!applyTransition(current, resumedWithOutputs(current)))
          throw new ApiError(400, `Runs in status "${current.status}" do not accept tool outputs.`);
      });
      if (!run) throw notFound('run', runId);
      const outputs = toolOutputsByCall(body.tool_outputs, expected);
      const step = (await tx.steps.inProgressOfRun(runId)).find((candidate) => candidate.type === 'tool_calls');
      const completed = step ? withOutputs(step, outputs, nowSeconds()) : undefined;
      if (completed) await tx.steps.save(completed);
      await tx.runs.claim(runId, worker.owner, Date.now(), worker.leaseMs);
      return { run, opening: completed ? [stepEvent(completed), runEvent(run)] : [runEvent(run)] };
    });
  });
}
