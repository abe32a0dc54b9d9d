// /v1/threads and /v1/threads/{thread_id}: create, list (a Spool extension), retrieve, modify, delete.
import type { FastifyInstance } from 'fastify';
import { nowSeconds } from '../../domain/clock.js';
import { ApiError, notFound, tooManyProperties } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { messageFromRequest } from '../../domain/message.js';
import { metadataFrom } from '../../domain/metadata.js';
import { listToWire, parseInteger, parseListParams, type Query } from '../../domain/pagination.js';
import { threadDeletedToWire, threadFromRequest, threadToWire } from '../../domain/thread.js';
import { toolResourcesFrom } from '../../domain/tool-resources.js';
import { parseRequest } from '../../domain/validate.js';
import type { ThreadFilter } from '../../store/threads-repository.js';
import type { Store } from '../../store/store.js';
import { committedWrite } from '../idempotency.js';
import { objectId } from '../object-ids.js';

interface ThreadParams {
  thread_id: string;
}

/** At most as many pairs as a thread's metadata can hold: more could never match, and each costs a query term. */
const maxFilterPairs = 16;

/** `metadata[key]=value` pairs (AND-ed) and `created_after` / `created_before` (Unix seconds). */
export function parseThreadFilter(query: Query): ThreadFilter {
  const metadata: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(query)) {
    const key = /^metadata\[(.*)\]$/.exec(name)?.[1];
    if (key === undefined) continue;
    if (key === '' || key.length > 64) {
      throw new ApiError(400, `Invalid query parameter '${name}': a metadata key has 1 to 64 characters.`, {
        param: name,
        code: 'invalid_value',
      });
    }
    for (const single of Array.isArray(value) ? value : [value ?? '']) metadata.push([key, single]);
  }
  if (metadata.length > maxFilterPairs) throw tooManyProperties('metadata', maxFilterPairs, metadata.length);
  return {
    metadata,
    createdAfter: parseInteger(query, 'created_after'),
    createdBefore: parseInteger(query, 'created_before'),
  };
}

export function threadRoutes(app: FastifyInstance, store: Store): void {
  app.post('/threads', async (request, reply) => {
    const body = parseRequest('CreateThreadRequest', request.body);
    const createdAt = nowSeconds();
    const thread = threadFromRequest({ id: newId('thread'), createdAt }, body);
    const messages = (body.messages ?? []).map((input) =>
      messageFromRequest(thread.id, input, newId('msg'), createdAt, metadataFrom(input.metadata)),
    );
    return committedWrite(store, request, reply, async (tx) => {
      await tx.threads.insert(request.projectId, thread);
      for (const message of messages) await tx.messages.insert(request.projectId, message);
      return threadToWire(thread);
    });
  });

  app.get<{ Querystring: Query }>('/threads', async (request) => {
    const params = parseListParams(request.query);
    const page = await store.threads.list(request.projectId, params, parseThreadFilter(request.query));
    return listToWire(page, threadToWire);
  });

  app.get<{ Params: ThreadParams }>('/threads/:thread_id', async (request) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const thread = await store.threads.get(request.projectId, threadId);
    if (!thread) throw notFound('thread', threadId);
    return threadToWire(thread);
  });

  app.post<{ Params: ThreadParams }>('/threads/:thread_id', async (request, reply) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const body = parseRequest('ModifyThreadRequest', request.body);
    const changes = {
      metadata: 'metadata' in body ? metadataFrom(body.metadata) : undefined,
      tool_resources: 'tool_resources' in body ? toolResourcesFrom(body.tool_resources) : undefined,
    };
    return committedWrite(store, request, reply, async (tx) => {
      const thread = await tx.threads.update(request.projectId, threadId, changes);
      if (!thread) throw notFound('thread', threadId);
      return threadToWire(thread);
    });
  });

  app.delete<{ Params: ThreadParams }>('/threads/:thread_id', async (request) => {
    const threadId = objectId('thread_id', request.params.thread_id, 'thread');
    const deleted = await store.transaction(async (tx) => {
      await tx.runs.deleteOfThread(request.projectId, threadId);
      return tx.threads.delete(request.projectId, threadId);
    });
    if (!deleted) throw notFound('thread', threadId);
    return threadDeletedToWire(threadId);
  });
}
