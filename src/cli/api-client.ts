// The CLI's client of Spool's HTTP API: fetch with the key and the beta header, OpenAI's error
// envelope turned into an ApiCallError, and lists followed page by page.
import { ApiCallError, NetworkError } from './cli-errors.js';
import { isJsonObject, type Json, type JsonObject } from './flag-values.js';
import { spoolVersion } from './version.js';

export type Query = Array<[string, string]>;

export interface ListPage {
  object: 'list';
  data: JsonObject[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

function isListPage(value: JsonObject): value is JsonObject & ListPage {
  return value.object === 'list' && Array.isArray(value.data) && value.data.every((item) => isJsonObject(item)) && typeof value.has_more === 'boolean';
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
    return new ApiCallError(status, error.message, typeof error.type === 'string' ? error.type : null, typeof error.code === 'string' ? error.code : null);
  }
  return new ApiCallError(status, `unexpected response: ${snippet(text)}`);
}

export class ApiClient {
  constructor(
    /** e.g. http://127.0.0.1:8080/v1, without a trailing slash */
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  async request(method: 'GET' | 'POST' | 'DELETE', path: string, options: { query?: Query; body?: JsonObject } = {}): Promise<JsonObject> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of options.query ?? []) url.searchParams.append(name, value);
    const headers: Record<string, string> = { accept: 'application/json', 'openai-beta': 'assistants=v2', 'user-agent': `spool-cli/${spoolVersion}` };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (options.body) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, { method, headers, ...(options.body ? { body: JSON.stringify(options.body) } : {}) });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw new NetworkError(url.href, reasonOf(error));
    }
    let body: Json | undefined;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      body = undefined;
    }
    if (status < 200 || status >= 300) throw errorFrom(status, body, text);
    if (!isJsonObject(body)) throw new ApiCallError(status, `expected a JSON object, got: ${snippet(text)}`);
    return body;
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
