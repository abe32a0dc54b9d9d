// Connections always end: a body trickled slower than the request timeout is cut off, and an
// answer given before the body arrived (413, early 401) reaches the client, which then sees the
// connection closed without having to send the rest.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { raw } from '../support/http.js';
import { makeTempDir, runSpool, type SpoolProcess, startSpool } from '../support/spool.js';

interface Exchange {
  socket: Socket;
  /** Everything the server sent, once it closed the connection (or `waitMs` passed: then `closed` is false). */
  finished: Promise<{ received: string; closed: boolean; elapsedMs: number }>;
}

/** Opens a raw connection, sends `head`, and collects the answer until the server closes it or `waitMs` passes. */
function exchange(url: string, head: string, waitMs: number): Exchange {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.write(head);
  const startedAt = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const finished = new Promise<{ received: string; closed: boolean; elapsedMs: number }>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ received, closed: false, elapsedMs: Date.now() - startedAt });
      socket.destroy();
    }, waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ received, closed: true, elapsedMs: Date.now() - startedAt });
    });
  });
  return { socket, finished };
}

function postHead(path: string, contentLength: number, headers: Record<string, string> = {}): string {
  const lines = [
    `POST ${path} HTTP/1.1`,
    'host: 127.0.0.1',
    'content-type: application/json',
    'openai-beta: assistants=v2',
    `content-length: ${contentLength}`,
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Writes `total` bytes of a JSON string as fast as the connection takes them, until done or the connection ends. */
async function pour(socket: Socket, total: number): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  let sent = 0;
  while (sent < total && !socket.destroyed && socket.writable) {
    const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
    sent += piece.length;
    if (!socket.write(piece)) {
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
  return sent;
}

function bodyOf(received: string): { status: number; body: string } {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
  const headerEnd = received.indexOf('\r\n\r\n');
  return { status, body: headerEnd >= 0 ? received.slice(headerEnd + 4) : '' };
}

describe('request timeout', () => {
  let spool: SpoolProcess;
  before(async () => {
    spool = await startSpool({ env: { SPOOL_REQUEST_TIMEOUT: '2s' } });
  });
  after(async () => {
    await spool.stop();
  });

  test('bodies trickled a byte at a time are cut off with a 408, and others are still answered', async () => {
    const tricklers = Array.from({ length: 20 }, () =>
      exchange(spool.url, `${postHead('/v1/threads', 100_000)}{"metadata":{"a":"`, 20_000),
    );
    const drip = setInterval(() => {
      for (const { socket } of tricklers) if (socket.writable) socket.write('b');
    }, 200);
    try {
      const others = await raw(`${spool.baseURL}/threads`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(others.status, 200, 'a normal request is answered while the tricklers hold their connections');
      for (const { finished } of tricklers) {
        const { received, closed, elapsedMs } = await finished;
        assert.ok(closed, `a trickling connection was still open after ${elapsedMs} ms`);
        // The request timeout is 2 s, checked every second; wide margin for a busy machine.
        assert.ok(elapsedMs < 10_000, `cut off after ${elapsedMs} ms`);
        const { status, body } = bodyOf(received);
        assert.equal(status, 408, received);
        assert.deepEqual(JSON.parse(body), {
          error: {
            message: 'The request took too long to arrive.',
            type: 'invalid_request_error',
            param: null,
            code: 'request_timeout',
          },
        });
      }
    } finally {
      clearInterval(drip);
    }
  });
});

describe('answers given before the body arrived', () => {
  const size = 64 * 1024 * 1024;
  let spool: SpoolProcess;
  before(async () => {
    spool = await startSpool();
  });
  after(async () => {
    await spool.stop();
  });

  test('a 64 MB body gets its 413 read by a raw client, every time', async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const { socket, finished } = exchange(spool.url, postHead('/v1/threads', size), 20_000);
      await pour(socket, size);
      const { received, closed } = await finished;
      assert.ok(closed, 'the server closed the connection');
      const { status, body } = bodyOf(received);
      assert.equal(
        status,
        413,
        `attempt ${attempt}: ${received.slice(0, 200) || '(nothing read: the connection was reset)'}`,
      );
      assert.equal((JSON.parse(body) as { error: { type: string } }).error.type, 'invalid_request_error');
    }
  });

  test('a 64 MB body gets its 413 through the openai SDK, not a connection error, every time', async () => {
    const client = new OpenAI({ baseURL: spool.baseURL, apiKey: 'sk-test', maxRetries: 0 });
    const content = 'a'.repeat(size);
    for (let attempt = 0; attempt < 10; attempt++) {
      const error = await client.beta.threads.create({ messages: [{ role: 'user', content }] }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof OpenAI.APIError, `attempt ${attempt}: ${String(error)}`);
      assert.equal(error.status, 413, `attempt ${attempt}: ${error.constructor.name} ${error.message}`);
    }
  });
});

test('an early 401 is answered and the connection closed without the client sending its whole body', async () => {
  const spool = await startSpool({ env: { SPOOL_API_KEYS: 'sk-lifecycle-key-0123456789' } });
  try {
    const size = 64 * 1024 * 1024;
    const { socket, finished } = exchange(spool.url, postHead('/v1/threads', size), 15_000);
    // A first megabyte, then nothing more: the server must not wait for the other 63.
    socket.write(Buffer.alloc(1024 * 1024, 'a'));
    const { received, closed, elapsedMs } = await finished;
    const { status, body } = bodyOf(received);
    assert.equal(status, 401, received);
    assert.equal((JSON.parse(body) as { error: { type: string } }).error.type, 'invalid_request_error');
    assert.ok(closed, `the connection was still open ${elapsedMs} ms after the 401`);
    assert.ok(elapsedMs < 10_000, `closed after ${elapsedMs} ms`);
  } finally {
    await spool.stop();
  }
});

for (const [args, env, pattern] of [
  [['--request-timeout', '0'], {}, /--request-timeout must be a duration above 0/],
  [[], { SPOOL_REQUEST_TIMEOUT: 'soon' }, /SPOOL_REQUEST_TIMEOUT must be a duration such as/],
  [['--drain-timeout', 'forever'], {}, /--drain-timeout must be a duration such as/],
  [[], { SPOOL_DRAIN_TIMEOUT: '0s' }, /SPOOL_DRAIN_TIMEOUT must be a duration above 0/],
] as const) {
  test(`spool serve ${args.join(' ')} ${JSON.stringify(env)}: a timeout cannot be unbounded or unreadable (exit 2, one line)`, async () => {
    const result = await runSpool(['serve', ...args, '--data-dir', makeTempDir()], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, pattern);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  });
}
