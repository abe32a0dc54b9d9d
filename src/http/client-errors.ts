// Requests that fail before Fastify sees them (Node's `clientError`): a request that took longer
// than the request timeout to arrive (a client trickling its body), headers too large, bytes that
// are not HTTP. They get OpenAI's envelope, then the connection lingers and closes.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../domain/errors.js';
import { lingerAndClose } from './lingering-close.js';
import { safetyHeaders } from './safety-headers.js';

function errorFor(code: string | undefined): ApiError {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'The request took too long to arrive.', { code: 'request_timeout' });
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, 'Request header fields too large.', { code: 'request_header_fields_too_large' });
    default:
      return new ApiError(400, 'The request could not be parsed as HTTP.', { code: 'bad_request' });
  }
}

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Nothing is written over an answer already on its way (the socket is then half-closed already).
  if (socket.writable) {
    const apiError = errorFor(error.code);
    const body = JSON.stringify(apiError.toEnvelope(), null, 2);
    const head = [
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}`,
      'content-type: application/json; charset=utf-8',
      `content-length: ${Buffer.byteLength(body)}`,
      ...Object.entries(safetyHeaders).map(([name, value]) => `${name}: ${value}`),
      'connection: close',
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n${body}`);
  }
  lingerAndClose(socket);
}
