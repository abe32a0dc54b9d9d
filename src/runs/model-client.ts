// Calls an OpenAI-compatible Chat Completions server, streaming, with the pinned `openai` package,
// and turns its chunks into a small stream of model events. Classifies failures for the executor.
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { Usage } from '../domain/run.js';
import { boundedFetch, ResponseTooLarge } from './bounded-fetch.js';
import type { ModelConfig } from './model-config.js';

export type ChatRequest = Omit<ChatCompletionCreateParamsStreaming, 'stream' | 'stream_options'>;

export type ModelEvent =
  | { type: 'content'; text: string }
  | { type: 'tool_call'; index: number; name?: string | undefined; arguments?: string | undefined }
  | { type: 'finish'; reason: string }
  | { type: 'usage'; usage: Usage };

/** OpenAI's own words for a failure on its side: all a client learns of what the model server said. */
export const serverErrorMessage = 'The server had an error while processing your request. Sorry about that!';
export const rateLimitMessage = 'Rate limit reached for requests to the model. Please try again later.';

/** How much of what the model server said is kept for the log. */
const maxDetailLength = 2_000;

/**
 * A failed model call: what to record as the run's last_error (never the model server's own text,
 * which may name internal hosts or keys), whether trying again may help, and, for the log only,
 * what the model server said.
 */
export class ModelError extends Error {
  readonly retryAfterMs: number | undefined;
  /** The model server's HTTP status, when it answered one. */
  readonly status: number | undefined;
  readonly detail: string | undefined;

  constructor(
    readonly code: 'server_error' | 'rate_limit_exceeded',
    message: string,
    readonly retriable: boolean,
    options: { retryAfterMs?: number | undefined; status?: number | undefined; detail?: string | undefined } = {},
  ) {
    super(message);
    this.name = 'ModelError';
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.detail = options.detail?.slice(0, maxDetailLength);
  }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const seconds = Number(headers?.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

function classify(error: unknown, idle: boolean, timeoutMs: number): ModelError {
  if (error instanceof ModelError) return error;
  if (idle) return new ModelError('server_error', `The model server sent nothing for ${timeoutMs} ms.`, true);
  const tooLarge =
    error instanceof ResponseTooLarge
      ? error
      : error instanceof Error && error.cause instanceof ResponseTooLarge
        ? error.cause
        : undefined;
  if (tooLarge) return new ModelError('server_error', tooLarge.message, false);
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const status = error.status;
    const said = detail.replace(/^\d+\s*/, '');
    if (status === 429)
      return new ModelError('rate_limit_exceeded', rateLimitMessage, true, {
        retryAfterMs: retryAfterMs(error.headers),
        status,
        detail: said,
      });
    return new ModelError('server_error', serverErrorMessage, status >= 500 || status === 408 || status === 409, {
      status,
      detail: said,
    });
  }
  if (error instanceof OpenAI.APIConnectionError)
    return new ModelError('server_error', serverErrorMessage, true, {
      detail: `could not reach the model server: ${detail}`,
    });
  return new ModelError('server_error', serverErrorMessage, false, { detail: `malformed response: ${detail}` });
}

export class ModelClient {
  private readonly client: OpenAI;

  constructor(private readonly config: ModelConfig) {
    this.client = new OpenAI({
      baseURL: config.baseURL,
      apiKey: config.apiKey,
      maxRetries: 0,
      timeout: config.idleTimeoutMs,
      fetch: boundedFetch,
    });
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
      const chunks = await this.client.chat.completions.create(
        { ...request, stream: true, stream_options: { include_usage: true } },
        { signal: controller.signal },
      );
      for await (const chunk of chunks) {
        armIdleTimer();
        if (chunk.usage) yield { type: 'usage', usage: usageOf(chunk.usage) };
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (typeof choice.delta?.content === 'string' && choice.delta.content !== '')
          yield { type: 'content', text: choice.delta.content };
        for (const call of choice.delta?.tool_calls ?? []) {
          yield {
            type: 'tool_call',
            index: call.index,
            name: call.function?.name,
            arguments: call.function?.arguments,
          };
        }
        if (choice.finish_reason) yield { type: 'finish', reason: choice.finish_reason };
      }
    } catch (error) {
      if (signal.aborted && !idle) return;
      throw classify(error, idle, this.config.idleTimeoutMs);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
      // A caller that stops reading early (the answer is over a limit) closes the connection too.
      controller.abort();
    }
  }
}

/** The model server's usage in the run's shape; a detail it leaves out (or garbles) counts 0. */
function usageOf(usage: CompletionUsage): Usage {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.total_tokens,
    prompt_token_details: { cached_tokens: tokenCount(usage.prompt_tokens_details?.cached_tokens) },
    completion_tokens_details: { reasoning_tokens: tokenCount(usage.completion_tokens_details?.reasoning_tokens) },
  };
}

function tokenCount(value: unknown): number {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : 0;
}
