// The console's client of /v1: the signed-in key, the beta header, and OpenAI's error envelope
// turned into an ApiError carrying the server's message.

export interface Thread {
  id: string;
  object: 'thread';
  created_at: number;
  metadata: Record<string, string>;
  tool_resources: Record<string, unknown>;
}

export type ContentPart =
  | { type: 'text'; text: { value: string; annotations: unknown[] } }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: 'image_file'; image_file: { file_id: string; detail?: string } }
  | { type: 'refusal'; refusal: string };

export interface Message {
  id: string;
  object: 'thread.message';
  created_at: number;
  thread_id: string;
  role: 'user' | 'assistant';
  content: ContentPart[];
  assistant_id: string | null;
  run_id: string | null;
  attachments: Array<{ file_id: string; tools: Array<{ type: string }> }>;
  metadata: Record<string, string>;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface RunError {
  code: string;
  message: string;
}

export interface FunctionCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string; output?: string | null };
}

export type RunStatus =
  | 'queued'
  | 'in_progress'
  | 'requires_action'
  | 'cancelling'
  | 'cancelled'
  | 'failed'
  | 'completed'
  | 'incomplete'
  | 'expired';

export interface Run {
  id: string;
  object: 'thread.run';
  created_at: number;
  assistant_id: string;
  thread_id: string;
  status: RunStatus;
  started_at: number | null;
  completed_at: number | null;
  required_action: { type: 'submit_tool_outputs'; submit_tool_outputs: { tool_calls: FunctionCall[] } } | null;
  last_error: RunError | null;
  model: string;
  incomplete_details: { reason: string } | null;
  usage: Usage | null;
}

/** A tool call of a step: a function call, or another tool's call, shown as it came. */
export type StepToolCall = FunctionCall | { id: string; type: 'code_interpreter' | 'file_search' };

export interface RunStep {
  id: string;
  object: 'thread.run.step';
  created_at: number;
  run_id: string;
  type: 'message_creation' | 'tool_calls';
  status: 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired';
  last_error: RunError | null;
  step_details:
    | { type: 'message_creation'; message_creation: { message_id: string } }
    | { type: 'tool_calls'; tool_calls: StepToolCall[] };
  usage: Usage | null;
}

export interface List<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export type MessageInput = {
  role: 'user' | 'assistant';
  content: string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }>;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Whether the server answers without a key (it has none configured, on loopback): then there is nothing to sign in with. */
export async function serverIsOpen(): Promise<boolean> {
  try {
    const response = await fetch('/v1/threads?limit=1', { headers: { 'openai-beta': 'assistants=v2' } });
    // Read to the end, so the request is over (an unread body keeps it open).
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

export class Api {
  /** `key` is empty on a server without keys: no authorization header is sent. */
  constructor(private readonly key: string) {}

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'openai-beta': 'assistants=v2' };
    if (this.key !== '') headers.authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`/v1${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'The server could not be reached. Check that Spool is running, then try again.');
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
      throw new ApiError(
        response.status,
        typeof message === 'string' ? message : `The server answered ${response.status}.`,
      );
    }
    return json as T;
  }

  listThreads(query: URLSearchParams): Promise<List<Thread>> {
    return this.call('GET', `/threads?${query}`);
  }

  getThread(id: string): Promise<Thread> {
    return this.call('GET', `/threads/${encodeURIComponent(id)}`);
  }

  createThread(body: { metadata: Record<string, string>; messages: MessageInput[] }): Promise<Thread> {
    return this.call('POST', '/threads', body);
  }

  updateThreadMetadata(id: string, metadata: Record<string, string>): Promise<Thread> {
    return this.call('POST', `/threads/${encodeURIComponent(id)}`, { metadata });
  }

  deleteThread(id: string): Promise<{ id: string; deleted: boolean }> {
    return this.call('DELETE', `/threads/${encodeURIComponent(id)}`);
  }

  listMessages(threadId: string, query: URLSearchParams): Promise<List<Message>> {
    return this.call('GET', `/threads/${encodeURIComponent(threadId)}/messages?${query}`);
  }

  createMessage(threadId: string, body: MessageInput): Promise<Message> {
    return this.call('POST', `/threads/${encodeURIComponent(threadId)}/messages`, body);
  }

  getMessage(threadId: string, messageId: string): Promise<Message> {
    return this.call('GET', `/threads/${encodeURIComponent(threadId)}/messages/${encodeURIComponent(messageId)}`);
  }

  listRuns(threadId: string, query: URLSearchParams): Promise<List<Run>> {
    return this.call('GET', `/threads/${encodeURIComponent(threadId)}/runs?${query}`);
  }

  listSteps(threadId: string, runId: string, query: URLSearchParams): Promise<List<RunStep>> {
    return this.call(
      'GET',
      `/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}/steps?${query}`,
    );
  }
}
