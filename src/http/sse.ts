// One small Server-Sent Events writer: `event: <name>` / `data: <compact JSON>` frames, written as
// they come, ending with `event: done` / `data: [DONE]`. A client that goes away is simply no
// longer written to; whatever produces the events carries on. A stream that ends while the server
// drains closes its connection too: the headers promised keep-alive before the drain began.
import type { FastifyReply, FastifyRequest } from 'fastify';

export class SseWriter {
  private closed = false;

  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {
    reply.hijack();
    const raw = reply.raw;
    raw.on('close', () => {
      this.closed = true;
    });
    // The headers the app's hooks set on every answer (request id, nosniff, no-store, ...), then the stream's own.
    const fromHooks = Object.entries(reply.getHeaders()).filter((entry): entry is [string, string | number | string[]] => entry[1] !== undefined);
    raw.writeHead(200, {
      ...Object.fromEntries(fromHooks),
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'openai-processing-ms': String(Math.round(reply.elapsedTime)),
    });
  }

  send = (event: string, data: unknown): void => {
    if (/[\r\n]/.test(event)) throw new Error(`an SSE event name cannot hold a line break: ${JSON.stringify(event)}`);
    this.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };

  end(): void {
    this.write('event: done\ndata: [DONE]\n\n');
    if (!this.closed) {
      const socket = this.request.raw.socket;
      if (!this.request.server.server.listening) this.reply.raw.once('finish', () => socket.end());
      this.reply.raw.end();
    }
    this.closed = true;
  }

  private write(frame: string): void {
    if (this.closed) return;
    this.reply.raw.write(frame);
  }
}
