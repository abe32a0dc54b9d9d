// /v1/threads/{thread_id}/runs/{run_id}/steps and .../steps/{step_id}.
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../domain/errors.js';
import { listToWire, parseListParams, type Query } from '../../domain/pagination.js';
import { runStepToWire } from '../../domain/run-step.js';
import { parseInclude } from '../../domain/validate.js';
import type { Store } from '../../store/store.js';
import { objectId } from '../object-ids.js';
import { type RunParams, requireRun, runIds } from './run-lookup.js';

interface StepParams extends RunParams {
  step_id: string;
}

export function stepRoutes(app: FastifyInstance, store: Store): void {
  async function requireRunId(projectId: string, params: RunParams): Promise<string> {
    const { threadId, runId } = runIds(params);
    return (await requireRun(store, projectId, threadId, runId)).id;
  }

  // `include[]` asks for file_search result contents; Spool runs no file_search yet, so there is
  // nothing to add, but a value the API does not know is refused.
  app.get<{ Params: RunParams; Querystring: Query }>('/threads/:thread_id/runs/:run_id/steps', async (request) => {
    const params = parseListParams(request.query);
    parseInclude(request.query);
    const runId = await requireRunId(request.projectId, request.params);
    return listToWire(await store.steps.list(request.projectId, runId, params), runStepToWire);
  });

  app.get<{ Params: StepParams; Querystring: Query }>(
    '/threads/:thread_id/runs/:run_id/steps/:step_id',
    async (request) => {
      const stepId = objectId('step_id', request.params.step_id, 'step');
      parseInclude(request.query);
      const runId = await requireRunId(request.projectId, request.params);
      const step = await store.steps.get(request.projectId, runId, stepId);
      if (!step) throw notFound('step', stepId);
      return runStepToWire(step);
    },
  );
}
