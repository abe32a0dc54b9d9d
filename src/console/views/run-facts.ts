// Small pieces shared by runs and their steps: a status badge, a fact of a definition list, usage
// and errors in words.
import type { RunError, Usage } from '../api.js';
import { h } from '../dom.js';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `status-badge status-${status}` }, status.replaceAll('_', ' '));
}

/** One term and its value in a <dl>. */
export function fact(term: string, value: Node | string, className?: string): HTMLElement {
  return h('div', { class: 'fact' }, h('dt', {}, term), h('dd', className ? { class: className } : {}, value));
}

/** Tokens used; `ended` says whether missing usage is still to come or was never reported. */
export function usageText(usage: Usage | null, ended: boolean): string {
  if (!usage) return ended ? 'None reported.' : 'Not counted yet.';
  return `${usage.total_tokens} tokens (${usage.prompt_tokens} prompt, ${usage.completion_tokens} completion)`;
}

export function errorText(error: RunError): string {
  return `${error.code}: ${error.message}`;
}
