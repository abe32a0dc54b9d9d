// A thread's runs, newest first: each with its status, model, usage and last error, and, on
// request, its steps (the messages it wrote and the tools it called). Older runs load on request.
import type { List, Run, RunStatus, RunStep } from '../api.js';
import type { Context } from '../context.js';
import { alertRegion, h, messageOf, showAlert, timeElement } from '../dom.js';
import { loadMoreList } from './load-more.js';
import { errorText, fact, statusBadge, usageText } from './run-facts.js';
import { stepArticle } from './run-step.js';

export const runsPerPage = 20;
const activeStatuses: readonly RunStatus[] = ['queued', 'in_progress', 'requires_action', 'cancelling'];
const stepsPerPage = 50;

function waitingFor(run: Run): string | null {
  const calls = run.required_action?.submit_tool_outputs.tool_calls ?? [];
  if (calls.length === 0) return null;
  return calls.map((call) => `${call.function.name}(${call.function.arguments})`).join(', ');
}

/** A button that shows the run's steps below it, loading them the first time. */
function stepsToggle(run: Run, context: Context): HTMLElement[] {
  const region = h('div', { id: `steps-${run.id}`, class: 'steps', hidden: true });
  const alert = alertRegion();
  let loaded = false;
  const button = h(
    'button',
    { type: 'button', class: 'button', 'aria-expanded': 'false', 'aria-controls': region.id },
    'Show steps',
  );
  button.addEventListener('click', async () => {
    const open = button.getAttribute('aria-expanded') === 'true';
    if (open) {
      region.hidden = true;
      button.setAttribute('aria-expanded', 'false');
      button.textContent = 'Show steps';
      return;
    }
    if (!loaded) {
      button.disabled = true;
      showAlert(alert, null);
      try {
        const query = (after?: string) =>
          new URLSearchParams({ order: 'asc', limit: String(stepsPerPage), ...(after ? { after } : {}) });
        const first: List<RunStep> = await context.api.listSteps(run.thread_id, run.id, query());
        region.replaceChildren(
          first.data.length === 0
            ? h('p', { class: 'empty' }, 'This run has no steps yet.')
            : loadMoreList({
                label: `Steps of run ${run.id}`,
                first,
                next: (after) => context.api.listSteps(run.thread_id, run.id, query(after)),
                item: (step) => stepArticle(run.thread_id, step),
                more: 'Load more steps',
                className: 'step-list',
              }),
        );
        loaded = true;
      } catch (error) {
        showAlert(alert, messageOf(error));
        return;
      } finally {
        button.disabled = false;
      }
    }
    region.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    button.textContent = 'Hide steps';
  });
  return [button, alert, region];
}

function runArticle(run: Run, context: Context): HTMLElement {
  const waiting = waitingFor(run);
  return h(
    'article',
    { class: `run run-${run.status}`, 'aria-label': `Run ${run.id}` },
    h('header', { class: 'run-head' }, h('h3', {}, 'Run ', h('code', {}, run.id)), statusBadge(run.status)),
    h(
      'dl',
      { class: 'facts' },
      fact('Model', run.model),
      fact('Assistant', h('code', {}, run.assistant_id)),
      fact('Created', timeElement(run.created_at)),
      fact('Usage', usageText(run.usage, !activeStatuses.includes(run.status))),
      run.last_error ? fact('Error', errorText(run.last_error), 'error') : null,
      run.incomplete_details ? fact('Incomplete', `stopped at ${run.incomplete_details.reason}`) : null,
      waiting ? fact('Waiting for', waiting) : null,
    ),
    ...stepsToggle(run, context),
  );
}

export function runsPanel(threadId: string, runs: List<Run>, context: Context): HTMLElement {
  const query = (after: string) => new URLSearchParams({ order: 'desc', limit: String(runsPerPage), after });
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'runs-title' },
    h('h2', { id: 'runs-title' }, 'Runs'),
    runs.data.length === 0
      ? h('p', { class: 'empty' }, 'No runs on this thread.')
      : loadMoreList({
          label: 'Runs',
          first: runs,
          next: (after) => context.api.listRuns(threadId, query(after)),
          item: (run) => runArticle(run, context),
          more: 'Load older runs',
          className: 'run-list',
        }),
  );
}
