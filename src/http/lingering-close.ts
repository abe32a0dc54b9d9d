// Answering before the request body has arrived (an early 401, a 413, a 408) and then closing.
// Closing a socket while the client is still sending makes the kernel answer with a reset, and a
// reset makes the client's TCP stack throw away the answer it has not read yet: the SDKs then
// report a connection error instead of the real one. So, as mature servers do, the connection
// lingers: the answer is sent with `connection: close`, the write side is half-closed, and what
// still arrives is read and discarded for a bounded time and amount, then the socket is closed.
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';

const lingerMs = 2_000;
const lingerMaxBytes = 64 * 1024 * 1024;
const lingerCheckMs = 50;

const lingering = new WeakSet<Socket>();

/** Half-closes `socket` now, then closes it once the client stops or a bound is reached. */
export function lingerAndClose(socket: Socket): void {
  if (lingering.has(socket) || socket.destroyed) return;
  lingering.add(socket);
  socket.end();
  // The HTTP parser (which may read the socket natively, without 'data' events) discards what
  // arrives; bytesRead tells how much did.
  const startBytes = socket.bytesRead;
  const startedAt = Date.now();
  const check = setInterval(() => {
    if (Date.now() - startedAt >= lingerMs || socket.bytesRead - startBytes >= lingerMaxBytes) socket.destroy();
  }, lingerCheckMs);
  check.unref();
  socket.once('close', () => clearInterval(check));
  // The client read the answer and closed its side: nothing left to wait for.
  socket.once('end', () => socket.destroy());
  socket.resume();
}

/** Whether the request declares a body (a request without one has nothing left to arrive after its headers). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Makes the server linger on this socket instead of closing it at once after the current answer,
 * which must carry `connection: close` (Node then calls destroySoon() when the answer is written).
 */
export function lingerAfterAnswer(socket: Socket): void {
  socket.destroySoon = () => lingerAndClose(socket);
}
