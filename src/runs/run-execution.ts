// Executes one claimed run: calls the model, streams what it writes into a message or tool calls,
// and ends the run in a terminal state (or requires_action) whatever happens on the way.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ChatCompletionTool, ChatCompletionToolChoiceOption } from 'openai/resources/chat/completions';
import { nowSeconds } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type { Message } from '../domain/message.js';
import {
  actionRequired,
  addUsage,
  applyTransition,
  completed,
  type Ending,
  type FunctionToolCall,
  incomplete,
  type Run,
  type RunError,
  started,
  type Usage,
} from '../domain/run.js';
import type { FunctionCallDetails, RunStep } from '../domain/run-step.js';
import { functionTools } from '../domain/tools.js';
import type { Store } from '../store/store.js';
import { buildPrompt } from './chat-history.js';
import { type ChatRequest, type ModelClient, ModelError, type ModelEvent, serverErrorMessage } from './model-client.js';
import { type ModelConfig, resolveModelName } from './model-config.js';
import { emitEnded, endRun } from './run-endings.js';
import {
  emitMessage,
  emitRun,
  emitStep,
  messageTextDelta,
  type RunEventSink,
  type ToolCallDelta,
  toolCallDelta,
} from './run-events.js';

export interface ExecutionOptions {
  owner: string;
  leaseMs: number;
  /** How often the execution looks for a cancel or an expiry decided elsewhere. */
  watchMs: number;
  maxModelAttempts: number;
  retryBaseMs: number;
  log: { warn(object: object, message: string): void; error(object: object, message: string): void };
}

export const noModelServerMessage =
  'No model server is configured for this Spool server. Start it with SPOOL_MODEL_BASE_URL (or --model-base-url) set to an OpenAI-compatible Chat Completions endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama, and SPOOL_MODEL_API_KEY if that server needs a key.';

/** How often a growing answer is saved, so a crash keeps most of it. */
const textSaveIntervalMs = 1_000;

// What one model answer may hold, so that a misbehaving model server cannot exhaust memory or the
// database: the text of a message (OpenAI's limit), and the tool calls' number, names and arguments.
const maxAnswerCharacters = 256_000;
const maxToolCalls = 128;
const maxToolNameCharacters = 64;
const maxToolArgumentCharacters = 262_144;
const maxAllToolArgumentCharacters = 1_048_576;

/** A model stream read without pause gives the event loop back this often, so other requests are served. */
const yieldEveryMs = 2;

type Outcome = { kind: 'stopped' } | { kind: 'ended'; ending: Ending };

class Interrupted extends Error {}

export class RunExecution {
  private run: Run;
  private message: Message | undefined;
  private messageStep: RunStep | undefined;
  private toolStep: RunStep | undefined;
  private readonly calls: FunctionCallDetails[] = [];
  private finishReason: string | undefined;
  /** The answer reached maxAnswerCharacters: the rest of it was not read. */
  private answerCut = false;
  private toolArgumentCharacters = 0;
  private usage: Usage | null = null;
  private readonly abort = new AbortController();
  private interruption: Outcome | undefined;
  /** When the text of the message being written was last saved (it is saved as it grows). */
  private savedAt = Date.now();
  private renewedAt = Date.now();

  constructor(
    private readonly store: Store,
    private readonly projectId: string,
    run: Run,
    private readonly model: { client: ModelClient; config: ModelConfig } | undefined,
    private readonly sink: RunEventSink,
    private readonly options: ExecutionOptions,
  ) {
    this.run = run;
  }

  get runId(): string {
    return this.run.id;
  }

  /** Looks at the stored run now: a cancel or an expiry decided elsewhere interrupts the execution. */
  async check(): Promise<void> {
    if (this.interruption) return;
    const status = await this.store.runs.status(this.run.id);
    let leased = true;
    if (Date.now() - this.renewedAt > this.options.leaseMs / 3) {
      this.renewedAt = Date.now();
      leased = await this.store.runs.renewLease(this.run.id, this.options.owner, Date.now(), this.options.leaseMs);
    }
    if (status === 'cancelling') this.interrupt({ kind: 'ended', ending: { status: 'cancelled' } });
    else if (status !== 'in_progress' || !leased) this.interrupt({ kind: 'stopped' });
    else if (this.run.expires_at !== null && nowSeconds() >= this.run.expires_at)
      this.interrupt({ kind: 'ended', ending: { status: 'expired' } });
  }

  /** Ends the run now as `ending` (a shutdown): the execution stops and tells its sink. */
  endNow(ending: Ending): void {
    this.interrupt({ kind: 'ended', ending });
  }

  private interrupt(outcome: Outcome): void {
    this.interruption ??= outcome;
    this.abort.abort();
  }

  async execute(): Promise<void> {
    const watcher = setInterval(() => {
      this.check().catch((error: unknown) =>
        this.options.log.warn({ err: error, run: this.run.id }, 'run watch failed'),
      );
    }, this.options.watchMs);
    try {
      await this.executeSegment();
    } catch (error) {
      if (error instanceof Interrupted && this.interruption) {
        if (this.interruption.kind === 'ended') await this.end(this.interruption.ending);
        return;
      }
      this.options.log.error({ err: error, run: this.run.id }, 'run execution failed');
      await this.end({
        status: 'failed',
        error: { code: 'server_error', message: 'The server had an error while processing the run.' },
      }).catch(() => undefined);
    } finally {
      clearInterval(watcher);
      await this.store.runs.releaseLease(this.run.id, this.options.owner).catch(() => undefined);
    }
  }

  private throwIfInterrupted(): void {
    if (this.interruption) throw new Interrupted();
  }

  private async executeSegment(): Promise<void> {
    const run = await this.store.transaction((tx) =>
      tx.runs.update(this.run.id, (current) => {
        applyTransition(current, started(current, nowSeconds()));
      }),
    );
    if (!run) return;
    this.run = run;
    if (run.status === 'cancelling') return this.end({ status: 'cancelled' });
    if (run.status !== 'in_progress') return;
    emitRun(this.sink, run);

    if (!this.model)
      return this.end({ status: 'failed', error: { code: 'server_error', message: noModelServerMessage } });
    const request = await this.chatRequest(this.model.config);
    if ('error' in request)
      return request.error === 'max_prompt_tokens'
        ? this.finishIncomplete('max_prompt_tokens')
        : this.end({ status: 'failed', error: request.error });
    await this.callModel(this.model.client, request.chat);
    this.throwIfInterrupted();
    await this.finish();
  }

  private async chatRequest(
    config: ModelConfig,
  ): Promise<{ chat: ChatRequest } | { error: RunError | 'max_prompt_tokens' }> {
    const [messages, steps] = await Promise.all([
      this.store.messages.allOfThread(this.projectId, this.run.thread_id),
      this.store.steps.ofRun(this.run.id),
    ]);
    const prompt = buildPrompt(this.run, messages, steps, config.imageUrls);
    if (prompt.overBudget) return { error: 'max_prompt_tokens' };
    const tools: ChatCompletionTool[] = functionTools(this.run.tools).map((tool) => ({
      type: 'function',
      function: tool.function,
    }));
    const choice = this.run.tool_choice;
    if (typeof choice === 'object' && choice.type !== 'function') {
      return {
        error: {
          code: 'server_error',
          message: `tool_choice ${choice.type} needs the ${choice.type} tool, which Spool does not run yet.`,
        },
      };
    }
    const chat: ChatRequest = { model: resolveModelName(config, this.run.model), messages: prompt.messages };
    if (tools.length > 0) {
      chat.tools = tools;
      chat.parallel_tool_calls = this.run.parallel_tool_calls;
      chat.tool_choice = (
        typeof choice === 'object' ? { type: 'function', function: { name: choice.function?.name ?? '' } } : choice
      ) as ChatCompletionToolChoiceOption;
    }
    if (this.run.temperature !== null) chat.temperature = this.run.temperature;
    if (this.run.top_p !== null) chat.top_p = this.run.top_p;
    if (this.run.max_completion_tokens !== null) chat.max_tokens = this.run.max_completion_tokens;
    if (this.run.response_format !== 'auto') chat.response_format = this.run.response_format;
    if (this.run.reasoning_effort) chat.reasoning_effort = this.run.reasoning_effort as ChatRequest['reasoning_effort'];
    return { chat };
  }

  /** One model call, retried while it has produced nothing a client could have seen. */
  private async callModel(client: ModelClient, request: ChatRequest): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let produced = false;
      let yieldedAt = performance.now();
      try {
        for await (const event of client.stream(request, this.abort.signal)) {
          this.throwIfInterrupted();
          if (event.type === 'content' || event.type === 'tool_call') produced = true;
          await this.onModelEvent(event);
          if (this.answerCut) break;
          if (performance.now() - yieldedAt >= yieldEveryMs) {
            await yieldToEventLoop();
            yieldedAt = performance.now();
          }
        }
        this.throwIfInterrupted();
        if (this.finishReason === undefined && !this.answerCut)
          throw new ModelError(
            'server_error',
            'The model server closed the stream before it finished the answer.',
            !produced,
          );
        return;
      } catch (error) {
        this.throwIfInterrupted();
        if (!(error instanceof ModelError)) throw error;
        this.options.log.warn(
          { run: this.run.id, attempt, status: error.status, upstream: error.detail, lastError: error.message },
          'model call failed',
        );
        if (produced || !error.retriable || attempt >= this.options.maxModelAttempts) throw this.failWith(error);
        const backoff = Math.min(error.retryAfterMs ?? this.options.retryBaseMs * 2 ** (attempt - 1), 10_000);
        await sleep(backoff, undefined, { signal: this.abort.signal }).catch(() => undefined);
        this.throwIfInterrupted();
      }
    }
  }

  private failWith(error: ModelError): Interrupted {
    this.interruption = {
      kind: 'ended',
      ending: { status: 'failed', error: { code: error.code, message: error.message } },
    };
    return new Interrupted();
  }

  /** The model's answer broke a limit: the run fails saying which, and the model is not read further. */
  private overLimit(message: string): Interrupted {
    this.options.log.warn({ run: this.run.id, limit: message }, 'model answer over a limit');
    return this.failWith(new ModelError('server_error', message, false));
  }

  private async onModelEvent(event: ModelEvent): Promise<void> {
    switch (event.type) {
      case 'content':
        await this.appendText(event.text);
        return;
      case 'tool_call':
        await this.appendToolCall(event.index, event.name, event.arguments);
        return;
      case 'usage':
        this.usage = addUsage(this.usage, event.usage);
        return;
      case 'finish':
        this.finishReason = event.reason;
        return;
    }
  }

  private async openMessage(): Promise<Message> {
    if (this.message) return this.message;
    const now = nowSeconds();
    const message: Message = {
      id: newId('msg'),
      created_at: now,
      thread_id: this.run.thread_id,
      status: 'in_progress',
      incomplete_details: null,
      completed_at: null,
      incomplete_at: null,
      role: 'assistant',
      content: [],
      assistant_id: this.run.assistant_id,
      run_id: this.run.id,
      attachments: [],
      metadata: {},
    };
    const step = this.newStep(now, { type: 'message_creation', message_creation: { message_id: message.id } });
    await this.store.transaction(async (tx) => {
      await tx.steps.insert(this.projectId, step);
      await tx.messages.insert(this.projectId, message);
    });
    this.message = message;
    this.messageStep = step;
    emitStep(this.sink, step, 'created');
    emitStep(this.sink, step, 'in_progress');
    emitMessage(this.sink, message, 'created');
    emitMessage(this.sink, message, 'in_progress');
    return message;
  }

  private newStep(now: number, details: RunStep['step_details']): RunStep {
    return {
      id: newId('step'),
      created_at: now,
      run_id: this.run.id,
      assistant_id: this.run.assistant_id,
      thread_id: this.run.thread_id,
      type: details.type,
      status: 'in_progress',
      cancelled_at: null,
      completed_at: null,
      expires_at: this.run.expires_at,
      expired_at: null,
      failed_at: null,
      last_error: null,
      step_details: details,
      usage: null,
    };
  }

  private async appendText(received: string): Promise<void> {
    const message = await this.openMessage();
    const first = message.content.length === 0;
    const part = message.content[0];
    const text = this.withinAnswerLimit(received, part?.type === 'text' ? part.text.value.length : 0);
    if (text === '') return;
    if (part?.type === 'text') part.text.value += text;
    else message.content.push({ type: 'text', text: { value: text, annotations: [] } });
    if (Date.now() - this.savedAt > textSaveIntervalMs) {
      this.savedAt = Date.now();
      await this.store.messages.saveProgress(message);
    }
    this.sink(messageTextDelta(message.id, text, first));
  }

  /** What of `text` still fits in the answer; when not all of it does, the answer is cut there. */
  private withinAnswerLimit(text: string, written: number): string {
    const room = maxAnswerCharacters - written;
    if (text.length <= room) return text;
    this.answerCut = true;
    this.finishReason = 'length';
    this.options.log.warn(
      { run: this.run.id, limit: maxAnswerCharacters },
      "the model's answer reached the most a message holds; the rest was not read",
    );
    // Never end on half of a surrogate pair.
    return text.slice(0, room).replace(/[\uD800-\uDBFF]$/, '');
  }

  private async completeMessage(reason?: 'max_tokens' | 'content_filter'): Promise<void> {
    const message = this.message ?? (await this.openMessage());
    const step = this.messageStep;
    const now = nowSeconds();
    if (message.content.length === 0) message.content.push({ type: 'text', text: { value: '', annotations: [] } });
    if (reason) {
      message.status = 'incomplete';
      message.incomplete_at = now;
      message.incomplete_details = { reason };
    } else {
      message.status = 'completed';
      message.completed_at = now;
    }
    if (step) {
      step.status = 'completed';
      step.completed_at = now;
      step.usage = this.toolStep ? null : this.usage;
    }
    await this.store.transaction(async (tx) => {
      await tx.messages.saveProgress(message);
      if (step) await tx.steps.save(step);
    });
    emitMessage(this.sink, message);
    if (step) emitStep(this.sink, step);
    this.message = undefined;
    this.messageStep = undefined;
  }

  private async appendToolCall(index: number, name: string | undefined, args: string | undefined): Promise<void> {
    if (this.message) await this.completeMessage();
    if (!this.toolStep) {
      const step = this.newStep(nowSeconds(), { type: 'tool_calls', tool_calls: this.calls });
      await this.store.steps.insert(this.projectId, step);
      this.toolStep = step;
      emitStep(this.sink, step, 'created');
      emitStep(this.sink, step, 'in_progress');
    }
    const stepId = this.toolStep.id;
    const delta = (call: ToolCallDelta) => this.sink(toolCallDelta(stepId, call));
    this.checkToolCallLimits(index, name, args);
    let call = this.calls[index];
    if (!call) {
      call = { id: newId('call'), type: 'function', function: { name: name ?? '', arguments: '', output: null } };
      this.calls[index] = call;
      delta({
        index,
        id: call.id,
        type: 'function',
        function: { name: call.function.name, arguments: '', output: null },
      });
    } else if (name) call.function.name += name;
    if (args) {
      this.toolArgumentCharacters += args.length;
      call.function.arguments += args;
      delta({ index, type: 'function', function: { arguments: args } });
    }
  }

  /** Throws when this piece of a tool call would break a limit (or names a call out of order). */
  private checkToolCallLimits(index: number, name: string | undefined, args: string | undefined): void {
    const call = this.calls[index];
    if (!call && index !== this.calls.length) {
      this.options.log.warn(
        { run: this.run.id, index, calls: this.calls.length },
        'the model server sent a tool call out of order',
      );
      throw this.failWith(new ModelError('server_error', serverErrorMessage, false));
    }
    if (!call && index >= maxToolCalls)
      throw this.overLimit(
        `The model made more than ${maxToolCalls} tool calls in one answer, the most Spool accepts.`,
      );
    if ((call?.function.name.length ?? 0) + (name?.length ?? 0) > maxToolNameCharacters) {
      throw this.overLimit(
        `The model called a function whose name is longer than ${maxToolNameCharacters} characters, which no run can declare.`,
      );
    }
    const added = args?.length ?? 0;
    if ((call?.function.arguments.length ?? 0) + added > maxToolArgumentCharacters) {
      throw this.overLimit(
        `The arguments of one of the model's tool calls exceeded ${maxToolArgumentCharacters} characters, the most Spool accepts for one call.`,
      );
    }
    if (this.toolArgumentCharacters + added > maxAllToolArgumentCharacters) {
      throw this.overLimit(
        `The arguments of the model's tool calls exceeded ${maxAllToolArgumentCharacters} characters in all, the most Spool accepts for one answer.`,
      );
    }
  }

  private async finish(): Promise<void> {
    if (this.answerCut && this.toolStep) {
      return this.end({
        status: 'failed',
        error: {
          code: 'server_error',
          message: `The model's answer exceeded ${maxAnswerCharacters} characters, the most a message holds.`,
        },
      });
    }
    if (this.calls.length > 0) return this.requireAction();
    if (this.finishReason === 'length') {
      await this.completeMessage('max_tokens');
      return this.finishIncomplete('max_completion_tokens');
    }
    if (this.finishReason === 'content_filter') {
      await this.completeMessage('content_filter');
      return this.end({
        status: 'failed',
        error: { code: 'invalid_prompt', message: "The model server's content filter stopped the answer." },
      });
    }
    await this.completeMessage();
    const now = nowSeconds();
    const run = await this.updateActive((current) => completed(current, now, this.usage));
    if (run) emitRun(this.sink, run);
  }

  private async finishIncomplete(reason: 'max_completion_tokens' | 'max_prompt_tokens'): Promise<void> {
    const run = await this.updateActive((current) => incomplete(current, reason, this.usage));
    if (run) emitRun(this.sink, run);
  }

  /** The model called functions: the run waits for their outputs (or fails if it cannot run them). */
  private async requireAction(): Promise<void> {
    const declared = new Set(functionTools(this.run.tools).map((tool) => tool.function.name));
    const unsupported = this.calls.find((call) => !declared.has(call.function.name));
    if (unsupported) {
      const name = unsupported.function.name;
      const builtIn = this.run.tools.some((tool) => tool.type === name);
      const message = builtIn
        ? `The model called the ${name} tool, which Spool does not run yet; remove it from the assistant's tools or use a function tool.`
        : `The model called a function that the run does not declare: '${name}'.`;
      return this.end({ status: 'failed', error: { code: 'server_error', message } });
    }
    const step = this.toolStep;
    if (step) {
      step.usage = this.usage;
      await this.store.steps.save(step);
    }
    const toolCalls: FunctionToolCall[] = this.calls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.function.name, arguments: call.function.arguments },
    }));
    const run = await this.updateActive((current) => actionRequired(current, toolCalls, this.usage));
    if (run) emitRun(this.sink, run);
  }

  /** Moves the run on from in progress; a cancel or expiry that won the race is kept (the transition refuses). */
  private async updateActive(transition: (run: Run) => Run | undefined): Promise<Run | undefined> {
    let applied = false;
    const run = await this.store.transaction((tx) =>
      tx.runs.update(this.run.id, (current) => {
        applied = applyTransition(current, transition(current));
      }),
    );
    if (run) this.run = run;
    if (!applied && run?.status === 'cancelling') {
      await this.end({ status: 'cancelled' });
      return undefined;
    }
    return applied ? run : undefined;
  }

  private async end(ending: Ending): Promise<void> {
    // Keep what the model wrote so far: the message ends incomplete, not empty.
    if (this.message) await this.store.messages.saveProgress(this.message);
    const ended = await endRun(this.store, this.run.id, ending);
    if (ended) {
      this.run = ended.run;
      emitEnded(this.sink, ended);
    }
  }
}
