// A run's prompt: its instructions as the system message, the thread's messages (truncated as the
// run asks), then the tool calls this run made and the outputs it was given.
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Message } from '../domain/message.js';
import type { Run } from '../domain/run.js';
import type { RunStep } from '../domain/run-step.js';
import { type ImageUrlPolicy, mayForwardImageUrl, withheldImageNote } from './image-urls.js';

/** A rough token count (about four characters a token), for honouring max_prompt_tokens. */
export function estimateTokens(message: ChatCompletionMessageParam): number {
  return Math.ceil(JSON.stringify(message).length / 4);
}

function userContent(message: Message, imageUrls: ImageUrlPolicy): string | ChatCompletionContentPart[] {
  const parts: ChatCompletionContentPart[] = [];
  for (const part of message.content) {
    if (part.type === 'text') parts.push({ type: 'text', text: part.text.value });
    else if (part.type === 'image_url' && !mayForwardImageUrl(part.image_url.url, imageUrls))
      parts.push({ type: 'text', text: withheldImageNote });
    else if (part.type === 'image_url')
      parts.push({
        type: 'image_url',
        image_url: part.image_url.detail
          ? { url: part.image_url.url, detail: part.image_url.detail }
          : { url: part.image_url.url },
      });
    // image_file parts name files Spool does not host; they cannot be sent to the model.
  }
  if (parts.every((part) => part.type === 'text'))
    return parts.map((part) => (part as { text: string }).text).join('\n');
  return parts;
}

function textOf(message: Message): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : part.type === 'refusal' ? part.refusal : ''))
    .join('\n');
}

function fromThreadMessage(message: Message, imageUrls: ImageUrlPolicy): ChatCompletionMessageParam {
  return message.role === 'assistant'
    ? { role: 'assistant', content: textOf(message) }
    : { role: 'user', content: userContent(message, imageUrls) };
}

function fromToolStep(step: RunStep): ChatCompletionMessageParam[] {
  if (step.step_details.type !== 'tool_calls') return [];
  const calls = step.step_details.tool_calls;
  return [
    {
      role: 'assistant',
      content: null,
      tool_calls: calls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.function.name, arguments: call.function.arguments },
      })),
    },
    ...calls.map(
      (call): ChatCompletionMessageParam => ({
        role: 'tool',
        tool_call_id: call.id,
        content: call.function.output ?? '',
      }),
    ),
  ];
}

export interface Prompt {
  messages: ChatCompletionMessageParam[];
  /** True when max_prompt_tokens left no room for even the latest message. */
  overBudget: boolean;
}

export function buildPrompt(
  run: Run,
  threadMessages: readonly Message[],
  steps: readonly RunStep[],
  imageUrls: ImageUrlPolicy,
): Prompt {
  const system = [run.instructions, run.additional_instructions]
    .filter((text): text is string => typeof text === 'string' && text !== '')
    .join('\n\n');
  const lastMessages =
    run.truncation_strategy.type === 'last_messages'
      ? (run.truncation_strategy.last_messages ?? threadMessages.length)
      : threadMessages.length;
  let history = threadMessages.slice(-lastMessages).map((message) => fromThreadMessage(message, imageUrls));
  const toolTurns = steps
    .filter(
      (step) =>
        step.type === 'tool_calls' &&
        step.step_details.type === 'tool_calls' &&
        step.step_details.tool_calls.every((call) => call.function.output !== null),
    )
    .flatMap(fromToolStep);
  const head: ChatCompletionMessageParam[] = system ? [{ role: 'system', content: system }] : [];
  let overBudget = false;
  if (run.max_prompt_tokens !== null) {
    const fixed = [...head, ...toolTurns].reduce((sum, message) => sum + estimateTokens(message), 0);
    let budget = run.max_prompt_tokens - fixed;
    const kept: ChatCompletionMessageParam[] = [];
    for (const message of [...history].reverse()) {
      budget -= estimateTokens(message);
      if (budget < 0) break;
      kept.unshift(message);
    }
    overBudget = kept.length === 0 && history.length > 0;
    history = kept;
  }
  return { messages: [...head, ...history, ...toolTurns], overBudget };
}
