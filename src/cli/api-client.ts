// The CLI's client of Spool's HTTP API: fetch with the key and the beta header, OpenAI's error
// envelope turned into an ApiCallError, lists followed page by page, and event streams read as
// they arrive.
import { ApiCallError, NetworkError } from './cli-errors.js';
import { isJsonObject, type Json, type JsonObject } from './flag-values.js';
import { spoolVersion } from './version.js';

export type Query = Array<[string, string]>;

/** One server-sent event: its name and its data, parsed (or the string '[DONE]' that ends a stream). */
export interface StreamEvent {
  event: string;
  data: Json;
}

export interface ListPage {
  object: 'list';
  data: JsonObject[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

function isListPage(value: JsonObject): value is JsonObject & ListPage {
  return (
    value.object === 'list' &&
    Array.isArray(value.data) &&
    value.data.every((item) => isJsonObject(item)) &&
    typeof value.has_more === 'boolean'
  );
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } }).cause;
  if (typeof cause?.message === 'string' && cause.message !== '') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}...` : line || '(empty body)';
}

function errorFrom(status: number, body: Json | undefined, text: string): ApiCallError {
  const error = isJsonObject(body) && isJsonObject(body.error) ? body.error : undefined;
  if (error && typeof error.message === 'string') {
    return new ApiCallError(
      status,
      error.message,
      typeof error.type === 'string' ? error.type : null,
      typeof error.code === 'string' ? error.code : null,
    );
  }
  return new ApiCallError(status, `unexpected response: ${snippet(text)}`);
}

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

interface Frame {
  event: string;
  data: string;
}

/** Cuts server-sent event text, as it comes in pieces, into frames (`event:` and `data:` lines up to a blank line). */
class FrameReader {
  private partial = '';
  private event = '';
  private data: string[] = [];

  push(text: string): Frame[] {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    const frames: Frame[] = [];
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line === '') {
        if (this.data.length > 0) frames.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return frames;
  }
}

/** A frame as an event; an `error` event is the error it carries. */
function eventOf(frame: Frame, status: number): StreamEvent {
  const data = frame.data === '[DONE]' ? '[DONE]' : parseJson(frame.data);
  if (data === undefined)
    throw new ApiCallError(status, `the event stream sent data that is not JSON: ${snippet(frame.data)}`);
  if (frame.event === 'error') {
    const error = isJsonObject(data) && isJsonObject(data.error) ? data.error : data;
    const message =
      isJsonObject(error) && typeof error.message === 'string'
        ? error.message
        : `the event stream sent an error: ${snippet(frame.data)}`;
    const field = (name: string) => (isJsonObject(error) && typeof error[name] === 'string' ? error[name] : null);
    throw new ApiCallError(status, message, field('type'), field('code'));
  }
  return { event: frame.event, data };
}

export class ApiClient {
  constructor(
    /** e.g. http://127.0.0.1:8080/v1, without a trailing slash */
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  async request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { query?: Query; body?: JsonObject } = {},
  ): Promise<JsonObject> {
    return (await this.exchange(method, path, options)).body;
  }

  /** A request whose answer's headers matter too (`openai-poll-after-ms`). */
  async exchange(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { query?: Query; body?: JsonObject } = {},
  ): Promise<{ body: JsonObject; headers: Headers }> {
    const url = this.url(path, options.query);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: this.headers('application/json', options.body !== undefined),
        ...(options.body ? { body: JSON.stringify(options.body) } : {}),
      });
      text = await response.text();
    } catch (error) {
      throw new NetworkError(url.href, reasonOf(error));
    }
    const body = parseJson(text);
    if (!response.ok) throw errorFrom(response.status, body, text);
    if (!isJsonObject(body)) throw new ApiCallError(response.status, `expected a JSON object, got: ${snippet(text)}`);
    return { body, headers: response.headers };
  }

  /**
   * POSTs `body` and yields the server-sent events of the answer as each one arrives, up to and
   * including `[DONE]`. An error before the stream starts is the server's error envelope.
   */
  async *events(path: string, body: JsonObject): AsyncGenerator<StreamEvent> {
    const url = this.url(path);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: this.headers('text/event-stream', true),
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw new NetworkError(url.href, reasonOf(error));
    }
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => '');
      throw errorFrom(response.status, parseJson(text), text);
    }
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      throw new ApiCallError(
        response.status,
        `expected an event stream, got: ${snippet(await response.text().catch(() => ''))}`,
      );
    }
    const frames = new FrameReader();
    try {
      for await (const chunk of response.body.pipeThrough(new TextDecoderStream())) {
        for (const frame of frames.push(chunk)) {
          const event = eventOf(frame, response.status);
          yield event;
          if (event.data === '[DONE]') return;
        }
      }
    } catch (error) {
      if (error instanceof ApiCallError) throw error;
      throw new NetworkError(url.href, reasonOf(error), true);
    }
    throw new NetworkError(url.href, 'the event stream ended before its [DONE]', true);
  }

  private url(path: string, query: Query = []): URL {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of query) url.searchParams.append(name, value);
    return url;
  }

  private headers(accept: string, withBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      accept,
      'openai-beta': 'assistants=v2',
      'user-agent': `spool-cli/${spoolVersion}`,
    };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (withBody) headers['content-type'] = 'application/json';
    return headers;
  }

  async list(path: string, query: Query): Promise<ListPage> {
    const page = await this.request('GET', path, { query });
    if (!isListPage(page)) throw new ApiCallError(200, `expected a list object, got: ${snippet(JSON.stringify(page))}`);
    return page;
  }

  /** The page `query` asks for, then with `follow` the next ones, by `after`, while `has_more`. */
  async *pages(path: string, query: Query, follow: boolean): AsyncGenerator<ListPage> {
    let current = query;
    for (;;) {
      const page = await this.list(path, current);
      yield page;
      if (!follow || !page.has_more || page.last_id === null) return;
      current = [...current.filter(([name]) => name !== 'after' && name !== 'before'), ['after', page.last_id]];
    }
  }
}
