// Requests that fail before Fastify sees them (Node's `clientError`): a request that took longer
// than the request timeout to arrive (a client trickling its body), headers too large, bytes that
// are not HTTP. They get OpenAI's envelope, then the connection lingers and closes.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../domain/errors.js';
import { lingerAndClose } from './lingering-close.js';

function errorFor(code: string | undefined): ApiError {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new ApiError(408, 'The request took too long to arrive.', 'invalid_request_error', null, 'request_timeout');
  if (code === 'HPE_HEADER_OVERFLOW') return new ApiError(431, 'The request headers are too large.');
  return new ApiError(400, 'The request could not be parsed as HTTP.');
}

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // Nothing is written over an answer already on its way (the socket is then half-closed already).
  if (socket.writable) {
    const apiError = errorFor(error.code);
    const body = JSON.stringify(apiError.toEnvelope(), null, 2);
    socket.write(
      `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  lingerAndClose(socket);
}
