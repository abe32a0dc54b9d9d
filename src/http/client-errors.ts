// Requests that Node's HTTP parser refuses before Fastify sees them (headers over the size limit,
// a malformed request line, a request that took too long to arrive): answered on the raw socket,
// still in OpenAI's error envelope, then the connection is closed.
import type { Socket } from 'node:net';
import { ApiError } from '../domain/errors.js';

function errorFor(code: string | undefined): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, 'Request header fields too large.', 'invalid_request_error', null, 'request_header_fields_too_large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'The request took too long to arrive. Please retry your request.', 'invalid_request_error', null, 'request_timeout');
    default:
      return new ApiError(400, 'The request could not be parsed as HTTP.', 'invalid_request_error', null, 'bad_request');
  }
}

const reasons: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError = errorFor(error.code);
  const body = JSON.stringify(apiError.toEnvelope(), null, 2);
  if (socket.writable) {
    socket.end(
      [
        `HTTP/1.1 ${apiError.status} ${reasons[apiError.status]}`,
        'content-type: application/json; charset=utf-8',
        `content-length: ${Buffer.byteLength(body)}`,
        'x-content-type-options: nosniff',
        'cache-control: no-store',
        'connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  }
  socket.destroySoon();
}
