// Byte-for-byte replays: writes an HTTP/1.1 request exactly as a given client writes it (header
// order, name casing, repeated headers, bodies) on a raw TCP socket, and reads the answer back.
import { connect } from 'node:net';
import { type ErrorEnvelope, envelopeOf } from './http.js';

export interface WireRequest {
  method: string;
  /** Path and query, e.g. /v1/threads/thread_abc */
  path: string;
  /** Header lines in the order the client writes them; a name may repeat. Host is not included. */
  headers: Array<[string, string]>;
  body?: string;
  /** The Host header to send instead of the server's own address. */
  host?: string;
}

export interface WireResponse {
  status: number;
  /** Header lines as received, names lower-cased. */
  headers: Array<[string, string]>;
  body: string;
  json: unknown;
  header(name: string): string | undefined;
}

/** The request bytes: request line, Host, then the client's headers, a blank line and the body. */
export function requestBytes(host: string, request: WireRequest): Buffer {
  const lines = [
    `${request.method} ${request.path} HTTP/1.1`,
    `Host: ${request.host ?? host}`,
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
  ];
  return Buffer.concat([
    Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'),
    Buffer.from(request.body ?? '', 'utf8'),
  ]);
}

function parseHead(head: string): { status: number; headers: Array<[string, string]> } {
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP response: ${statusLine}`);
  const headers = headerLines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  return { status, headers };
}

/** Decodes a chunked body; undefined while incomplete. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (data.length < lineEnd + 2 + size + 2) return undefined;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/** Sends one request on a fresh connection and resolves with the complete response. */
export function replay(baseUrl: string, request: WireRequest): Promise<WireResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no complete response to ${request.method} ${request.path} within 10 s:\n${received.toString('utf8')}`,
        ),
      );
    }, 10_000);
    const finish = (response: WireResponse) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    socket.on('connect', () => socket.write(requestBytes(url.host, request)));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const headEnd = received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const { status, headers } = parseHead(received.subarray(0, headEnd).toString('latin1'));
      const header = (name: string) => headers.find(([key]) => key === name.toLowerCase())?.[1];
      const rest = received.subarray(headEnd + 4);
      const length = header('content-length');
      const body =
        header('transfer-encoding') === 'chunked'
          ? dechunk(rest)
          : rest.length >= Number(length ?? 0)
            ? rest.subarray(0, Number(length ?? 0))
            : undefined;
      if (body === undefined) return;
      const text = body.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      finish({ status, headers, body: text, json, header });
    });
  });
}

/** The error of an OpenAI envelope, checked to have exactly its four keys in order. */
export function envelopeFrom(response: WireResponse): ErrorEnvelope['error'] {
  return envelopeOf({
    status: response.status,
    headers: new Headers(response.headers),
    text: response.body,
    json: response.json,
  });
}
