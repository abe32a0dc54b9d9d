// Renders every failure as OpenAI's error envelope: ApiErrors as they are, Fastify's own errors
// mapped to their OpenAI counterparts, a database that is gone for the moment as a retriable 503,
// anything else as a 500 that hides the internals.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, bodyTooLarge, invalidJsonBody, serviceUnavailable } from '../domain/errors.js';
import { isDatabaseUnavailable } from '../store/dialect.js';

/** Seconds a client is asked to wait when the database is unreachable (a restart takes a few). */
const databaseRetryAfterSeconds = 1;

export function toApiError(error: unknown, bodyLimitBytes: number): ApiError {
  if (error instanceof ApiError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return bodyTooLarge(bodyLimitBytes);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJsonBody();
    case 'FST_ERR_BAD_URL':
      return new ApiError(400, 'Invalid URL: the path could not be decoded.', { code: 'invalid_url' });
  }
  if (isDatabaseUnavailable(error)) {
    return serviceUnavailable(
      'The server could not reach its database. Please retry your request in a moment.',
      databaseRetryAfterSeconds,
    );
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ApiError(fastifyError.statusCode, fastifyError.message ?? 'Bad request.');
  }
  return new ApiError(500, 'The server had an error while processing your request. Sorry about that!', {
    type: 'server_error',
  });
}

export function sendError(error: ApiError, reply: FastifyReply): FastifyReply {
  reply.code(error.status);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  // Serialised here because the not-found handler does not go through the reply serializer.
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(error.toEnvelope(), null, 2));
}

export function errorHandler(bodyLimitBytes: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error, bodyLimitBytes);
    if (apiError.status >= 500) request.log.error({ err: error, reqId: request.id }, 'request failed');
    return sendError(apiError, reply);
  };
}
