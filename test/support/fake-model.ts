// A fake model server: a real HTTP server speaking OpenAI's Chat Completions protocol (streamed
// and not), whose answers each test scripts, and which records what it was asked.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedReply {
  /** Answer with this HTTP error status and an OpenAI error body instead of a completion. */
  status?: number;
  /** With `status`: answer this body as it is (an HTML error page, say) instead of an OpenAI error body. */
  errorBody?: string;
  headers?: Record<string, string>;
  /** The answer's text, streamed in `chunkSize`-character pieces. */
  text?: string;
  chunkSize?: number;
  toolCalls?: Array<{ name: string; arguments: string }>;
  /** Stream each call's arguments in pieces of this many characters (by default, in two halves). */
  argumentChunkSize?: number;
  /** Stream this text as one chunk after another, as fast as the connection takes them, until it closes. */
  endless?: string;
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  /** The usage chunk's figures (details are sent only when given, as servers without them do). */
  usage?: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details?: { cached_tokens: number };
    completion_tokens_details?: { reasoning_tokens: number };
  };
  /** Wait before the first byte; with `hang`, never answer. */
  delayMs?: number;
  chunkDelayMs?: number;
  hang?: boolean;
  /** Destroy the connection after this many chunks. */
  dropAfterChunks?: number;
  /** Send a data line that is not JSON after the first chunk. */
  garbage?: boolean;
  /** End the stream without [DONE] and without a finish_reason. */
  truncate?: boolean;
}

export interface RecordedRequest {
  headers: IncomingMessage['headers'];
  body: {
    model: string;
    messages: Array<{ role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string }>;
    stream?: boolean;
    tools?: Array<{ type: string; function: { name: string } }>;
    [key: string]: unknown;
  };
}

export class FakeModel {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: ScriptedReply[] = [];
  private fallback: ScriptedReply = { text: 'Hello from the fake model.' };
  private server: Server | undefined;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  /** The next answers, in order; after them, `setDefault`'s answer. */
  script(...replies: ScriptedReply[]): void {
    this.queue.push(...replies);
  }

  setDefault(reply: ScriptedReply): void {
    this.fallback = reply;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of request) raw += chunk;
    if (request.url !== '/v1/chat/completions' || request.method !== 'POST') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: {
            message: `Invalid URL (${request.method} ${request.url})`,
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        }),
      );
      return;
    }
    const body = JSON.parse(raw) as RecordedRequest['body'];
    this.requests.push({ headers: request.headers, body });
    const reply = this.queue.shift() ?? this.fallback;
    if (reply.hang) return;
    if (reply.delayMs) await sleep(reply.delayMs);
    if (reply.status && reply.errorBody !== undefined) {
      response.writeHead(reply.status, { 'content-type': 'text/html', ...reply.headers }).end(reply.errorBody);
      return;
    }
    if (reply.status) {
      response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      response.end(
        JSON.stringify({
          error: {
            message: `scripted failure ${reply.status}`,
            type: reply.status === 429 ? 'rate_limit_error' : 'server_error',
            param: null,
            code: null,
          },
        }),
      );
      return;
    }
    const chunks = completionChunks(body.model, reply);
    if (body.stream === false || body.stream === undefined) {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(nonStreamed(body.model, reply)));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
    if (reply.endless !== undefined) return flood(response, body.model, reply.endless);
    let index = 0;
    for (const chunk of chunks) {
      if (reply.dropAfterChunks !== undefined && index >= reply.dropAfterChunks) {
        request.socket.destroy();
        return;
      }
      if (response.destroyed) return;
      // Waiting for the client to take each chunk keeps a huge answer from being built all at once.
      if (!response.write(`data: ${JSON.stringify(chunk)}\n\n`))
        await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
      if (reply.garbage && index === 0) response.write('data: {"choices": [ this is not json\n\n');
      if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      index++;
    }
    if (reply.truncate) {
      response.end();
      return;
    }
    response.end('data: [DONE]\n\n');
  }
}

/** Writes content chunks, a batch at a time, for as long as the client reads them. */
async function flood(response: ServerResponse, model: string, text: string): Promise<void> {
  const chunk = {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
  };
  const batch = `data: ${JSON.stringify(chunk)}\n\n`.repeat(200);
  const closed = new Promise<void>((resolve) => response.once('close', resolve));
  while (!response.destroyed && !response.writableEnded) {
    if (!response.write(batch)) await Promise.race([new Promise((resolve) => response.once('drain', resolve)), closed]);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function* completionChunks(model: string, reply: ScriptedReply): Generator<object> {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model };
  yield { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] };
  const text = reply.text ?? '';
  const size = reply.chunkSize ?? 5;
  for (let offset = 0; offset < text.length; offset += size) {
    yield {
      ...base,
      choices: [{ index: 0, delta: { content: text.slice(offset, offset + size) }, finish_reason: null }],
    };
  }
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    yield {
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index, id: `fake_call_${index}`, type: 'function', function: { name: call.name, arguments: '' } },
            ],
          },
          finish_reason: null,
        },
      ],
    };
    const size = reply.argumentChunkSize ?? Math.ceil(call.arguments.length / 2);
    for (let offset = 0; offset < call.arguments.length; offset += size) {
      const piece = call.arguments.slice(offset, offset + size);
      if (piece)
        yield {
          ...base,
          choices: [
            { index: 0, delta: { tool_calls: [{ index, function: { arguments: piece } }] }, finish_reason: null },
          ],
        };
    }
  }
  if (!reply.truncate) {
    const finish = reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop');
    yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] };
    const usage = reply.usage ?? { prompt_tokens: 10, completion_tokens: Math.max(1, Math.ceil(text.length / 4)) };
    yield { ...base, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } };
  }
}

function nonStreamed(model: string, reply: ScriptedReply): object {
  const usage = reply.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: reply.text ?? null,
          ...(reply.toolCalls
            ? {
                tool_calls: reply.toolCalls.map((call, index) => ({
                  id: `fake_call_${index}`,
                  type: 'function',
                  function: call,
                })),
              }
            : {}),
        },
        finish_reason: reply.finishReason ?? (reply.toolCalls?.length ? 'tool_calls' : 'stop'),
      },
    ],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}
