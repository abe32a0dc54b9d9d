// One step of a run as a reader sees it: the message it wrote (a link to it), or the tools it
// called with their arguments and outputs; its status, usage and error.
import type { RunStep, StepToolCall } from '../api.js';
import { h, timeElement } from '../dom.js';
import { href } from '../router.js';
import { errorText, fact, statusBadge, usageText } from './run-facts.js';

/** Arguments as the model wrote them, indented when they are JSON. */
function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function toolCall(call: StepToolCall): HTMLElement {
  if (call.type !== 'function') {
    return h(
      'section',
      { class: 'tool-call', 'aria-label': `Tool call ${call.id}` },
      h('p', {}, `${call.type} call `, h('code', { class: 'id' }, call.id)),
      h('pre', { class: 'raw' }, JSON.stringify(call, null, 2)),
    );
  }
  const output = call.function.output;
  return h(
    'section',
    { class: 'tool-call', 'aria-label': `Tool call ${call.function.name}` },
    h(
      'p',
      { class: 'tool-call-head' },
      'Called ',
      h('code', { class: 'tool-name' }, call.function.name),
      ' ',
      h('code', { class: 'id' }, call.id),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('Arguments', h('pre', { class: 'raw' }, prettyJson(call.function.arguments))),
      fact(
        'Output',
        output === null || output === undefined
          ? h('span', { class: 'empty' }, 'No output yet.')
          : h('pre', { class: 'raw' }, prettyJson(output)),
      ),
    ),
  );
}

export function stepArticle(threadId: string, step: RunStep): HTMLElement {
  const details = step.step_details;
  const title =
    details.type === 'message_creation'
      ? 'Wrote a message'
      : details.tool_calls.length === 1
        ? 'Called a tool'
        : `Called ${details.tool_calls.length} tools`;
  const body =
    details.type === 'message_creation'
      ? h(
          'p',
          {},
          'Message ',
          h(
            'a',
            { href: href(['threads', threadId, 'messages', details.message_creation.message_id]) },
            h('code', {}, details.message_creation.message_id),
          ),
        )
      : h('div', { class: 'tool-calls' }, ...details.tool_calls.map(toolCall));
  return h(
    'article',
    { class: 'step', 'aria-label': `Step ${step.id}` },
    h(
      'header',
      { class: 'step-head' },
      h('h4', {}, title),
      statusBadge(step.status),
      timeElement(step.created_at),
      h('code', { class: 'id' }, step.id),
    ),
    body,
    h(
      'dl',
      { class: 'facts' },
      fact('Usage', usageText(step.usage, step.status !== 'in_progress')),
      step.last_error ? fact('Error', errorText(step.last_error), 'error') : null,
    ),
  );
}
