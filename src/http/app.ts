// The HTTP application: OpenAI's wire conventions (envelope, headers, pretty JSON, beta header,
// auth) around the /v1 routes.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { invalidUrl, methodNotAllowed, serviceUnavailable } from '../domain/errors.js';
import type { RunWorker } from '../runs/run-worker.js';
import type { Store } from '../store/store.js';
import type { Authenticator } from './auth.js';
import { registerBodyParser } from './body.js';
import { answerClientError } from './client-errors.js';
import { registerConsole } from './console.js';
import { errorHandler, sendError, toApiError } from './envelope.js';
import { hasBody, lingerAfterAnswer } from './lingering-close.js';
import { assistantRoutes } from './routes/assistants.js';
import { RouteTable } from './method-not-allowed.js';
import { messageRoutes } from './routes/messages.js';
import { runRoutes } from './routes/runs.js';
import { stepRoutes } from './routes/steps.js';
import { threadRoutes } from './routes/threads.js';
import { safetyHeaders } from './safety-headers.js';
import { authenticateV1, decorateProjectId } from './v1-auth.js';

export interface AppOptions {
  store: Store;
  worker: RunWorker;
  authenticator: Authenticator;
  bodyLimitBytes: number;
  logger: FastifyBaseLogger;
  /** The longest a request (headers and body) may take to arrive. */
  requestTimeoutMs: number;
}

// Request ids: `req_` and 32 hex digits, as OpenAI's. Unique rather than secret: a random prefix per
// process, then a counter (cheaper than 16 random bytes per request).
const requestIdPrefix = randomBytes(8).toString('hex');
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter++;
  return `req_${requestIdPrefix}${requestCounter.toString(16).padStart(16, '0')}`;
}

// On every answer; the console's assets set their own cache-control.
const commonHeaders = {
  'openai-version': '2020-10-01',
  'access-control-expose-headers': 'X-Request-ID',
  ...safetyHeaders,
};

export function buildApp(options: AppOptions): FastifyInstance {
  const logsRequests = ['trace', 'debug', 'info'].includes(options.logger.level);
  const app = Fastify({
    // No child logger per request: the request line and errors name their request id themselves.
    childLoggerFactory: (logger) => logger,
    loggerInstance: options.logger,
    // One log line per request, written by the onResponse hook below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: nextRequestId,
    routerOptions: { maxParamLength: 500 },
    // Draining is handled below, so that the 503 is in OpenAI's envelope.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // A request must arrive whole within the timeout (Fastify's default, 0, let a trickled body hold
    // a connection for ever); Node checks every connection each connectionsCheckingInterval.
    requestTimeout: options.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(options.requestTimeoutMs, 60_000),
      connectionsCheckingInterval: Math.min(options.requestTimeoutMs, 1_000),
    },
    clientErrorHandler: answerClientError,
    // Undecodable URLs (e.g. '%E0%A4%A') fail before routing: answer them in the envelope too.
    frameworkErrors: (error, request, reply) =>
      sendError(
        toApiError(error, options.bodyLimitBytes),
        reply.headers(commonHeaders).header('x-request-id', request.id),
      ),
  });
  const routeTable = new RouteTable();
  app.addHook('onRoute', (route) => routeTable.add(route.url, route.method));

  registerBodyParser(app, options.bodyLimitBytes);
  // OpenAI pretty-prints JSON bodies with a 2-space indent.
  app.setReplySerializer((payload) => JSON.stringify(payload, null, 2));
  decorateProjectId(app);

  // Once close() is called, requests in flight finish and new ones are told to go elsewhere (503,
  // which the SDKs retry); every answer then closes its connection so the drain ends promptly.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  // Hooks take callbacks rather than promises, and there is one per stage: they run on every
  // request, and this is cheaper. Authentication is not here but on the /v1 routes themselves.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(commonHeaders);
    reply.header('x-request-id', request.id);
    if (draining) {
      done(serviceUnavailable('The server is shutting down. Please retry your request.', 1));
      return;
    }
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('openai-processing-ms', String(Math.round(reply.elapsedTime)));
    if (draining) reply.header('connection', 'close');
    // Answered before its body arrived (an early 401, a 413): close without reading it all, lingering
    // so that the client reads the answer rather than a reset.
    if (!request.raw.complete && hasBody(request.headers)) {
      reply.header('connection', 'close');
      lingerAfterAnswer(request.raw.socket);
    }
    done(null, payload);
  });
  if (logsRequests) {
    app.addHook('onResponse', (request, reply, done) => {
      request.log.info(
        {
          reqId: request.id,
          method: request.method,
          url: request.url,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request',
      );
      done();
    });
  }

  app.setErrorHandler(errorHandler(options.bodyLimitBytes));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = routeTable.methodsFor(path).filter((method) => method !== 'HEAD');
    return sendError(
      allowed.length > 0 ? methodNotAllowed(request.method, path, allowed) : invalidUrl(request.method, path),
      reply,
    );
  });

  registerConsole(app);
  app.register(
    async (v1) => {
      authenticateV1(v1, options.authenticator);
      threadRoutes(v1, options.store);
      messageRoutes(v1, options.store);
      assistantRoutes(v1, options.store);
      runRoutes(v1, options.store, options.worker);
      stepRoutes(v1, options.store);
    },
    { prefix: '/v1' },
  );
  return app;
}
