// What Spool adds to a streamed run: time to the first `thread.message.delta` through Spool, minus
// time to the first token from the same fake model called directly (p50, p99 over 200 runs,
// interleaved), and runs/s sustained with a zero-latency model. Usage: npm run bench:runs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import { FakeModel } from '../test/support/fake-model.js';

const samples = Number(process.env.BENCH_RUNS ?? 200);
const sustainSeconds = Number(process.env.BENCH_SUSTAIN_SECONDS ?? 10);
const root = resolve(import.meta.dirname, '..');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function startSpool(modelUrl: string, dataDir: string): Promise<{ url: string; stop(): void }> {
  // Spool on core 0; this process (the load) stays on core 1 (see `taskset` in package.json).
  const child = spawn(
    'taskset',
    ['-c', '0', process.execPath, join(root, 'dist/cli/main.js'), 'serve', '--port', '0', '--data-dir', dataDir],
    {
      env: { ...process.env, SPOOL_LOG_LEVEL: 'warn', SPOOL_MODEL_BASE_URL: modelUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((done, fail) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Spool listening on (\S+)/.exec(output);
      if (match?.[1]) done(match[1]);
    });
    child.once('exit', (code) => fail(new Error(`spool exited ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** ms from sending the request to the first streamed token, straight from the model server. */
async function directFirstToken(model: OpenAI): Promise<number> {
  const started = performance.now();
  const stream = await model.chat.completions.create({
    model: 'fake',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });
  let first = Number.NaN;
  for await (const chunk of stream) {
    if (Number.isNaN(first) && chunk.choices[0]?.delta?.content) first = performance.now() - started;
  }
  return first;
}

/** ms from sending POST /threads/runs (stream) to the first thread.message.delta frame. */
async function spoolFirstDelta(baseURL: string, assistantId: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseURL}/threads/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
    body: JSON.stringify({
      assistant_id: assistantId,
      stream: true,
      thread: { messages: [{ role: 'user', content: 'hi' }] },
    }),
  });
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  let first = Number.NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (Number.isNaN(first) && text.includes('event: thread.message.delta')) first = performance.now() - started;
  }
  if (!text.includes('thread.run.completed')) throw new Error(`run did not complete:\n${text.slice(-500)}`);
  return first;
}

async function sustained(baseURL: string, assistantId: string, concurrency: number): Promise<number> {
  let completed = 0;
  const deadline = performance.now() + sustainSeconds * 1000;
  const client = new OpenAI({ baseURL, apiKey: 'bench', maxRetries: 0 });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const run = await client.beta.threads.createAndRunPoll(
          { assistant_id: assistantId, thread: { messages: [{ role: 'user', content: 'hi' }] } },
          { pollIntervalMs: 5 },
        );
        if (run.status !== 'completed') throw new Error(`run ${run.status}: ${JSON.stringify(run.last_error)}`);
        completed++;
      }
    }),
  );
  return completed / sustainSeconds;
}

const model = await new FakeModel().start();
model.setDefault({ text: 'Hello there, this is a short answer.', chunkSize: 6 });
const dataDir = mkdtempSync(join(tmpdir(), 'spool-bench-runs-'));
const spool = await startSpool(model.url, dataDir);
try {
  const baseURL = `${spool.url}/v1`;
  const direct = new OpenAI({ baseURL: model.url, apiKey: 'bench', maxRetries: 0 });
  const assistant = await new OpenAI({ baseURL, apiKey: 'bench' }).beta.assistants.create({ model: 'fake' });
  for (let warm = 0; warm < 20; warm++) {
    await directFirstToken(direct);
    await spoolFirstDelta(baseURL, assistant.id);
  }
  const directTimes: number[] = [];
  const spoolTimes: number[] = [];
  for (let index = 0; index < samples; index++) {
    directTimes.push(await directFirstToken(direct));
    spoolTimes.push(await spoolFirstDelta(baseURL, assistant.id));
  }
  const row = (name: string, values: number[]) =>
    `${name.padEnd(44)} ${percentile(values, 50).toFixed(2).padStart(8)} ${percentile(values, 99).toFixed(2).padStart(8)}`;
  console.log(
    `\nTime to first token, ms (${samples} runs each, interleaved; Spool pinned to core 0, client on core 1)`,
  );
  console.log(`${''.padEnd(44)} ${'p50'.padStart(8)} ${'p99'.padStart(8)}`);
  console.log(row('fake model called directly (first token)', directTimes));
  console.log(row('through Spool (first thread.message.delta)', spoolTimes));
  const added = spoolTimes.map((value, index) => value - (directTimes[index] ?? 0));
  console.log(row('added by Spool (paired difference)', added));
  console.log(
    `added p50 (difference of medians): ${(percentile(spoolTimes, 50) - percentile(directTimes, 50)).toFixed(2)} ms; aim: under 5 ms`,
  );

  for (const concurrency of [1, 8]) {
    console.log(
      `runs/s sustained, zero-latency model, ${concurrency} client(s), ${sustainSeconds} s: ${(await sustained(baseURL, assistant.id, concurrency)).toFixed(1)}`,
    );
  }
} finally {
  spool.stop();
  await model.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
