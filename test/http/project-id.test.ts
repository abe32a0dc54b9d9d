// request.projectId fails closed: a handler that reads it on a request no authentication hook has
// passed gets an error, never an empty or default project to act for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { decorateProjectId } from '../../src/http/v1-auth.js';

test('reading projectId on an unauthenticated request throws instead of answering for a project', async () => {
  const app = Fastify();
  decorateProjectId(app);
  let seen: string | undefined;
  app.get('/unguarded', async (request) => {
    seen = request.projectId;
    return { projectId: seen };
  });
  const authenticate = (request: { authenticatedProjectId: string | undefined }, _reply: unknown, done: () => void) => {
    request.authenticatedProjectId = 'proj_a';
    done();
  };
  app.get('/guarded', { onRequest: authenticate }, async (request) => ({ projectId: request.projectId }));
  const unguarded = await app.inject({ method: 'GET', url: '/unguarded' });
  assert.equal(unguarded.statusCode, 500);
  assert.equal(seen, undefined);
  const guarded = await app.inject({ method: 'GET', url: '/guarded' });
  assert.deepEqual(guarded.json(), { projectId: 'proj_a' });
  await app.close();
});
