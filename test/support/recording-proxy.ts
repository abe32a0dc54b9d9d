// A real HTTP server in front of Spool that records each request exactly as it arrived (method,
// path, headers, raw body) and forwards it, so a test sees what a client sent and what it got back.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

export interface RecordingProxy {
  baseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !['host', 'connection', 'content-length'].includes(name))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const method = request.method ?? 'GET';
      const answer = await fetch(`${target}${request.url}`, { method, headers, ...(body === '' ? {} : { body }) });
      requests.push({ method, url: request.url ?? '', headers: request.headers, body, status: answer.status });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(await answer.text());
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
