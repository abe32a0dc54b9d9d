// /v1/assistants and /v1/assistants/{assistant_id}.
import type { FastifyInstance } from 'fastify';
import {
  assistantDeletedToWire,
  assistantFromCreate,
  assistantModified,
  assistantToWire,
} from '../../domain/assistant.js';
import { nowSeconds } from '../../domain/clock.js';
import { notFound } from '../../domain/errors.js';
import { newId } from '../../domain/ids.js';
import { listToWire, parseListParams, type Query } from '../../domain/pagination.js';
import { parseRequest } from '../../domain/validate.js';
import type { Store } from '../../store/store.js';
import { committedWrite } from '../idempotency.js';
import { objectId } from '../object-ids.js';

interface AssistantParams {
  assistant_id: string;
}

export function assistantRoutes(app: FastifyInstance, store: Store): void {
  app.post('/assistants', async (request, reply) => {
    const body = parseRequest('CreateAssistantRequest', request.body);
    const assistant = assistantFromCreate(newId('asst'), nowSeconds(), body);
    return committedWrite(store, request, reply, async (tx) => {
      await tx.assistants.insert(request.projectId, assistant);
      return assistantToWire(assistant);
    });
  });

  app.get<{ Querystring: Query }>('/assistants', async (request) => {
    const page = await store.assistants.list(request.projectId, parseListParams(request.query));
    return listToWire(page, assistantToWire);
  });

  app.get<{ Params: AssistantParams }>('/assistants/:assistant_id', async (request) => {
    const id = objectId('assistant_id', request.params.assistant_id, 'asst');
    const assistant = await store.assistants.get(request.projectId, id);
    if (!assistant) throw notFound('assistant', id);
    return assistantToWire(assistant);
  });

  app.post<{ Params: AssistantParams }>('/assistants/:assistant_id', async (request, reply) => {
    const id = objectId('assistant_id', request.params.assistant_id, 'asst');
    const body = parseRequest('ModifyAssistantRequest', request.body);
    return committedWrite(store, request, reply, async (tx) => {
      const assistant = await tx.assistants.get(request.projectId, id);
      if (!assistant) throw notFound('assistant', id);
      const modified = assistantModified(assistant, body);
      await tx.assistants.save(request.projectId, modified);
      return assistantToWire(modified);
    });
  });

  app.delete<{ Params: AssistantParams }>('/assistants/:assistant_id', async (request) => {
    const id = objectId('assistant_id', request.params.assistant_id, 'asst');
    if (!(await store.assistants.delete(request.projectId, id))) throw notFound('assistant', id);
    return assistantDeletedToWire(id);
  });
}
