// The measured endpoints: what each one sends, and the threads each needs on the server under test.
import type { Request } from 'autocannon';

/** A server as the load sees it: where it is, and the headers every request carries. */
export interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

/** The objects one server holds for the scenarios. */
export interface Fixture {
  /** Threads to retrieve and modify, created before the rounds. */
  threadIds: string[];
  /** A thread holding `listThreadMessages` messages, for the list. */
  listThreadId: string;
  /** The thread that create-message posts into (kept apart from the list's thread). */
  inboxThreadId: string;
  /** Threads the last create-thread run made; the delete-thread run after it deletes them. */
  createdIds: string[];
}

export interface Plan {
  requests: Request[];
  /** Send exactly this many requests instead of running for a duration (delete: each thread once). */
  amount?: number;
}

export interface Scenario {
  id: string;
  title: string;
  plan(target: Target, fixture: Fixture): Plan;
}

const listThreadMessages = 100;
const seedThreads = 200;

// One metadata pair, so create and modify also write Spool's metadata index rows.
const createThreadBody = JSON.stringify({ metadata: { team: 'bench' } });
const modifyThreadBody = JSON.stringify({ metadata: { team: 'bench', stage: 'modified' } });
const createMessageBody = JSON.stringify({
  role: 'user',
  content: 'How do I reset my password? I tried the link in the email and it has expired.',
});

function post(target: Target): Record<string, string> {
  return { ...target.headers, 'content-type': 'application/json' };
}

/**
 * A random sample of the seeded threads, for requests that autocannon builds once and then cycles
 * through: building a request per send (setupRequest) costs the load generator, which shares its
 * one core with nothing else but must outrun the fastest server.
 */
function sampleOf(ids: string[], size = 100): string[] {
  const pool = [...ids];
  for (let index = pool.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [pool[index], pool[other]] = [pool[other] ?? '', pool[index] ?? ''];
  }
  return pool.slice(0, size);
}

function idOf(body: string): string {
  return (JSON.parse(body) as { id: string }).id;
}

export const scenarios: Scenario[] = [
  {
    id: 'create-thread',
    title: 'create thread',
    plan(target, fixture) {
      fixture.createdIds = [];
      const onResponse = (status: number, body: string) => {
        if (status === 200) fixture.createdIds.push(idOf(body));
      };
      return {
        requests: [{ method: 'POST', path: '/v1/threads', headers: post(target), body: createThreadBody, onResponse }],
      };
    },
  },
  {
    id: 'retrieve-thread',
    title: 'retrieve thread',
    plan(target, fixture) {
      return {
        requests: sampleOf(fixture.threadIds).map((id) => ({
          method: 'GET',
          path: `/v1/threads/${id}`,
          headers: target.headers,
        })),
      };
    },
  },
  {
    id: 'modify-thread',
    title: 'modify thread',
    plan(target, fixture) {
      return {
        requests: sampleOf(fixture.threadIds).map((id) => ({
          method: 'POST',
          path: `/v1/threads/${id}`,
          headers: post(target),
          body: modifyThreadBody,
        })),
      };
    },
  },
  {
    id: 'create-message',
    title: 'create message',
    plan(target, fixture) {
      return {
        requests: [
          {
            method: 'POST',
            path: `/v1/threads/${fixture.inboxThreadId}/messages`,
            headers: post(target),
            body: createMessageBody,
          },
        ],
      };
    },
  },
  {
    id: 'list-messages',
    title: `list messages (limit 20 of ${listThreadMessages})`,
    plan(target, fixture) {
      return {
        requests: [
          { method: 'GET', path: `/v1/threads/${fixture.listThreadId}/messages?limit=20`, headers: target.headers },
        ],
      };
    },
  },
  {
    id: 'delete-thread',
    title: 'delete thread',
    plan(target, fixture) {
      // Each thread made by the create-thread run just before is deleted once.
      const ids = fixture.createdIds.splice(0);
      if (ids.length === 0)
        throw new Error(`delete-thread on ${target.name}: no threads to delete (create-thread must run first)`);
      let next = 0;
      const setupRequest = (request: Request): Request => ({
        ...request,
        path: `/v1/threads/${ids[next++ % ids.length]}`,
      });
      return { amount: ids.length, requests: [{ method: 'DELETE', headers: target.headers, setupRequest }] };
    },
  },
];

export function scenarioById(id: string): Scenario {
  const scenario = scenarios.find((candidate) => candidate.id === id);
  if (!scenario) throw new Error(`no scenario '${id}'; one of: ${scenarios.map((s) => s.id).join(', ')}`);
  return scenario;
}

async function send(
  target: Target,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(target.url + path, {
    method,
    headers: body === undefined ? target.headers : post(target),
    body,
  });
  return { status: response.status, text: await response.text() };
}

async function create(target: Target, path: string, body: string): Promise<string> {
  const { status, text } = await send(target, 'POST', path, body);
  if (status !== 200) throw new Error(`seeding ${target.name}: POST ${path} answered ${status}: ${text}`);
  return idOf(text);
}

/** Runs `count` tasks, `width` at a time. */
async function inParallel(count: number, width: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** Creates the threads and messages the scenarios read, through the server's own API. */
export async function seedFixture(target: Target): Promise<Fixture> {
  const threadIds: string[] = [];
  await inParallel(seedThreads, 16, async () => {
    threadIds.push(await create(target, '/v1/threads', createThreadBody));
  });
  const listThreadId = await create(target, '/v1/threads', createThreadBody);
  await inParallel(listThreadMessages, 8, async () => {
    await create(target, `/v1/threads/${listThreadId}/messages`, createMessageBody);
  });
  const inboxThreadId = await create(target, '/v1/threads', createThreadBody);
  return { threadIds, listThreadId, inboxThreadId, createdIds: [] };
}

/** The structure of a JSON value: keys in order and value types, without the values. */
function shapeOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length > 0 ? shapeOf(value[0]) : ''}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, inner]) => `${key}:${shapeOf(inner)}`)
      .join(',')}}`;
  }
  return value === null ? 'null' : typeof value;
}

/** Sends one request of a plan, as the load would, with its response going to the plan's onResponse. */
async function sendOnce(target: Target, plan: Plan): Promise<{ status: number; text: string }> {
  const [first] = plan.requests;
  if (!first) throw new Error('a plan without requests');
  const request = first.setupRequest ? first.setupRequest({ ...first }, {}) : first;
  const response = await fetch(target.url + (request.path ?? '/'), {
    method: request.method ?? 'GET',
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  first.onResponse?.(response.status, text, {});
  return { status: response.status, text };
}

/**
 * Checks, scenario by scenario, that Spool and the baseline both answer 200 with JSON of the same
 * shape, so the comparison is between equivalent work. Throws on the first difference.
 */
export async function checkEquivalence(spool: [Target, Fixture], baseline: [Target, Fixture]): Promise<void> {
  for (const scenario of scenarios) {
    const answers = [];
    for (const [target, fixture] of [spool, baseline]) {
      const { status, text } = await sendOnce(target, scenario.plan(target, fixture));
      if (status !== 200) throw new Error(`${scenario.id} on ${target.name}: status ${status}: ${text}`);
      answers.push({ name: target.name, shape: shapeOf(JSON.parse(text)), text });
    }
    const [a, b] = answers;
    if (a && b && a.shape !== b.shape)
      throw new Error(`${scenario.id}: ${a.name} and ${b.name} answer differently:\n${a.text}\n---\n${b.text}`);
  }
}
