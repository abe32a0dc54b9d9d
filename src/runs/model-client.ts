// Calls an OpenAI-compatible Chat Completions server, streaming, with the pinned `openai` package,
// and turns its chunks into a small stream of model events. Classifies failures for the executor.
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Usage } from '../domain/run.js';
import type { ModelConfig } from './model-config.js';

export type ChatRequest = Omit<ChatCompletionCreateParamsStreaming, 'stream' | 'stream_options'>;

export type ModelEvent =
  | { type: 'content'; text: string }
  | { type: 'tool_call'; index: number; name?: string | undefined; arguments?: string | undefined }
  | { type: 'finish'; reason: string }
  | { type: 'usage'; usage: Usage };

/** A failed model call: what to record as the run's last_error, and whether trying again may help. */
export class ModelError extends Error {
  constructor(
    readonly code: 'server_error' | 'rate_limit_exceeded',
    message: string,
    readonly retriable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const seconds = Number(headers?.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function classify(error: unknown, idle: boolean, timeoutMs: number): ModelError {
  if (error instanceof ModelError) return error;
  if (idle) return new ModelError('server_error', `The model server sent nothing for ${timeoutMs} ms.`, true);
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const detail = error.message.replace(/^\d+\s*/, '');
    if (error.status === 429) return new ModelError('rate_limit_exceeded', `The model server is rate limiting requests: ${detail}`, true, retryAfterMs(error.headers));
    if (error.status >= 500 || error.status === 408 || error.status === 409) return new ModelError('server_error', `The model server failed with HTTP ${error.status}: ${detail}`, true);
    return new ModelError('server_error', `The model server refused the request with HTTP ${error.status}: ${detail}`, false);
  }
  if (error instanceof OpenAI.APIConnectionError) return new ModelError('server_error', `Could not reach the model server: ${error.message}`, true);
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError('server_error', `The model server sent a malformed response: ${message}`, false);
}

export class ModelClient {
  private readonly client: OpenAI;

  constructor(private readonly config: ModelConfig) {
    this.client = new OpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, maxRetries: 0, timeout: config.idleTimeoutMs });
  }

  /** Streams one completion. Aborting `signal` stops it quietly; every failure is a ModelError. */
  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const armIdleTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        controller.abort();
      }, this.config.idleTimeoutMs);
    };
    armIdleTimer();
    try {
      const chunks = await this.client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } }, { signal: controller.signal });
      for await (const chunk of chunks) {
        armIdleTimer();
        if (chunk.usage) yield { type: 'usage', usage: { prompt_tokens: chunk.usage.prompt_tokens, completion_tokens: chunk.usage.completion_tokens, total_tokens: chunk.usage.total_tokens } };
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (typeof choice.delta?.content === 'string' && choice.delta.content !== '') yield { type: 'content', text: choice.delta.content };
        for (const call of choice.delta?.tool_calls ?? []) {
          yield { type: 'tool_call', index: call.index, name: call.function?.name, arguments: call.function?.arguments };
        }
        if (choice.finish_reason) yield { type: 'finish', reason: choice.finish_reason };
      }
    } catch (error) {
      if (signal.aborted && !idle) return;
      throw classify(error, idle, this.config.idleTimeoutMs);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    }
  }
}
