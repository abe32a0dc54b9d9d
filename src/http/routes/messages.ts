// /v1/threads/{thread_id}/messages and /v1/threads/{thread_id}/messages/{message_id}.
import type { FastifyInstance } from 'fastify';
import { nowSeconds } from '../../domain/clock.js';
import { notFound } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { messageDeletedToWire, messageFromRequest, messageToWire } from '../../domain/message.js';
import { metadataFrom } from '../../domain/metadata.js';
import { listToWire, parseListParams, type Query, queryValue } from '../../domain/pagination.js';
import { messageDuringRunError } from '../../domain/run.js';
import { parseRequest } from '../../domain/validate.js';
import type { ThreadsRepository } from '../../store/threads-repository.js';
import type { Store } from '../../store/store.js';
import { committedWrite } from '../idempotency.js';
import { objectId } from '../object-ids.js';

interface ThreadParams {
  thread_id: string;
}

interface MessageParams extends ThreadParams {
  message_id: string;
}

async function requireThread(threads: ThreadsRepository, projectId: string, threadId: string): Promise<void> {
  if (!(await threads.get(projectId, threadId))) throw notFound('thread', threadId);
}

/** The 404 for a message that was not found: its thread's, if the thread is missing too. */
async function messageNotFound(
  threads: ThreadsRepository,
  projectId: string,
  threadId: string,
  messageId: string,
): Promise<never> {
  await requireThread(threads, projectId, threadId);
  throw notFound('message', messageId);
}

function messageIds(params: MessageParams) {
  return {
    threadId: objectId('thread_id', params.thread_id, 'thread'),
    messageId: objectId('message_id', params.message_id, 'msg'),
  };
}

export function messageRoutes(app: FastifyInstance, store: Store): void {
  app.post<{ Params: ThreadParams }>('/threads/:thread_id/messages', async (request, reply) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const body = parseRequest('CreateMessageRequest', request.body);
    const message = messageFromRequest(threadId, body, newId('msg'), nowSeconds(), metadataFrom(body.metadata));
    return committedWrite(store, request, reply, async (tx) => {
      // Locked, so that messages of one thread commit in the order of their sequence, on every replica.
      if (!(await tx.threads.lock(request.projectId, threadId))) throw notFound('thread', threadId);
      const active = await tx.runs.active(request.projectId, threadId);
      if (active) throw messageDuringRunError(threadId, active.id);
      await tx.messages.insert(request.projectId, message);
      return messageToWire(message);
    });
  });

  app.get<{ Params: ThreadParams; Querystring: Query }>('/threads/:thread_id/messages', async (request) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const params = parseListParams(request.query);
    const runId = queryValue(request.query, 'run_id');
    await requireThread(store.threads, request.projectId, threadId);
    const page = await store.messages.list(request.projectId, threadId, params, runId || undefined);
    return listToWire(page, messageToWire);
  });

  app.get<{ Params: MessageParams }>('/threads/:thread_id/messages/:message_id', async (request) => {
    const { threadId, messageId } = messageIds(request.params);
    const message = await store.messages.get(request.projectId, threadId, messageId);
    if (!message) return messageNotFound(store.threads, request.projectId, threadId, messageId);
    return messageToWire(message);
  });

  app.post<{ Params: MessageParams }>('/threads/:thread_id/messages/:message_id', async (request, reply) => {
    const { threadId, messageId } = messageIds(request.params);
    const body = parseRequest('ModifyMessageRequest', request.body);
    return committedWrite(store, request, reply, async (tx) => {
      const message =
        'metadata' in body
          ? await tx.messages.updateMetadata(request.projectId, threadId, messageId, metadataFrom(body.metadata))
          : await tx.messages.get(request.projectId, threadId, messageId);
      if (!message) return messageNotFound(tx.threads, request.projectId, threadId, messageId);
      return messageToWire(message);
    });
  });

  app.delete<{ Params: MessageParams }>('/threads/:thread_id/messages/:message_id', async (request) => {
    const { threadId, messageId } = messageIds(request.params);
    const deleted = await store.messages.delete(request.projectId, threadId, messageId);
    if (!deleted) return messageNotFound(store.threads, request.projectId, threadId, messageId);
    return messageDeletedToWire(messageId);
  });
}
