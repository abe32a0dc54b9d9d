// Authentication of /v1, as a hook of the /v1 plugin: it runs for every request that the router
// matched to a /v1 route, however its path was written (`/%76%31/threads`, an absolute-form target),
// because it is attached to the routes rather than to a spelling of the URL. A handler reads the
// caller's project from `request.projectId`, which fails closed: reading it on a request the hook
// did not authenticate throws instead of answering for some default project.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authenticator } from './auth.js';
import { checkBetaHeader } from './beta-header.js';
import { checkKeylessRequest } from './keyless-guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project of the API key that authenticated this request. */
    readonly projectId: string;
    /** Set only by the /v1 authentication hook; undefined until it has run. */
    authenticatedProjectId: string | undefined;
  }
}

/** Declares `request.projectId` on the app: the authenticated project, or an error for a handler reached without one. */
export function decorateProjectId(app: FastifyInstance): void {
  app.decorateRequest('authenticatedProjectId', undefined);
  app.decorateRequest('projectId', {
    getter(this: FastifyRequest): string {
      const projectId = this.authenticatedProjectId;
      if (projectId === undefined)
        throw new Error(`${this.method} ${this.url} reached a handler without authentication`);
      return projectId;
    },
  });
}

/** Adds the authentication hook to the /v1 plugin's routes (call it inside the plugin). */
export function authenticateV1(v1: FastifyInstance, authenticator: Authenticator): void {
  // A callback hook: it runs on every request, and most requests come with a key seen a moment
  // ago, which is answered without a promise.
  v1.addHook('onRequest', (request, _reply, done) => {
    const authorized = (projectId: string) => {
      try {
        if (authenticator.open) checkKeylessRequest(request);
        checkBetaHeader(request.headers['openai-beta']);
        request.authenticatedProjectId = projectId;
        done();
      } catch (error) {
        done(error as Error);
      }
    };
    const known = authenticator.knownProjectFor(request.headers.authorization);
    if (known !== undefined) authorized(known);
    else authenticator.projectFor(request.headers.authorization, request.ip).then(authorized, done);
  });
}
