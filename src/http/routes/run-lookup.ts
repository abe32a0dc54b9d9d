// Finding the run a request names under /v1/threads/{thread_id}/runs/{run_id}: the ids checked,
// and the 404 for whichever is missing, the thread first.
import { notFound } from '../../domain/errors.js';
import type { Run } from '../../domain/run.js';
import type { Repositories } from '../../store/store.js';
import { objectId } from '../object-ids.js';

export interface RunParams {
  thread_id: string;
  run_id: string;
}

export function runIds(params: RunParams) {
  return {
    threadId: objectId('thread_id', params.thread_id, 'thread'),
    runId: objectId('run_id', params.run_id, 'run'),
  };
}

export async function requireRun(
  { runs, threads }: Pick<Repositories, 'runs' | 'threads'>,
  projectId: string,
  threadId: string,
  runId: string,
): Promise<Run> {
  const run = await runs.get(projectId, threadId, runId);
  if (run) return run;
  if (!(await threads.get(projectId, threadId))) throw notFound('thread', threadId);
  throw notFound('run', runId);
}
