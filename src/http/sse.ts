// One small Server-Sent Events writer: `event: <name>` / `data: <compact JSON>` frames, written as
// they come, ending with `event: done` / `data: [DONE]`. The stream is the reply's body, so its
// headers are the app's (request id, nosniff, no-store, ...) plus its content type. A client that
// goes away is simply no longer written to; whatever produces the events carries on. A stream that
// ends while the server drains closes its connection too: the headers promised keep-alive before
// the drain began.
import { PassThrough } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunEvent } from '../runs/run-events.js';

export class SseWriter {
  private closed = false;
  private readonly body = new PassThrough();

  constructor(
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {
    reply.raw.on('close', () => {
      this.closed = true;
    });
    // Fastify destroys the body when the client goes away; a late write must not make that an error.
    this.body.on('error', () => {
      this.closed = true;
    });
    reply.type('text/event-stream; charset=utf-8').send(this.body);
  }

  send = (event: RunEvent): void => {
    if (/[\r\n]/.test(event.event))
      throw new Error(`an SSE event name cannot hold a line break: ${JSON.stringify(event.event)}`);
    this.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
  };

  end(): void {
    this.write('event: done\ndata: [DONE]\n\n');
    if (!this.closed) {
      const socket = this.request.raw.socket;
      if (!this.request.server.server.listening) this.reply.raw.once('finish', () => socket.end());
      this.body.end();
    }
    this.closed = true;
  }

  private write(frame: string): void {
    if (this.closed || this.body.destroyed) return;
    this.body.write(frame);
  }
}
