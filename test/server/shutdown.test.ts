// SIGTERM ends within the drain timeout whatever is pending: streamed runs end with their terminal
// event then `done`, bodies still arriving and idle connections do not hold the process, and
// neither does a stdout that nobody reads.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { FakeModel } from '../support/fake-model.js';
import { postJson } from '../support/http.js';
import { makeTempDir, spoolBin, startSpool } from '../support/spool.js';
import { storedMessageStatus } from '../support/stored.js';

let model: FakeModel;
before(async () => {
  model = await new FakeModel().start();
  // About 15 s of streaming: far longer than the drain timeout (the fake model writes it all even to
  // a client that went away, which keeps the test process alive that long).
  model.setDefault({ text: 'slow '.repeat(150), chunkSize: 5, chunkDelayMs: 100 });
});
after(async () => {
  await model.stop();
});

/** Resolves with the process's exit code, or 'still running' after `ms`. */
function exitWithin(exited: Promise<number | string>, ms: number): Promise<number | string> {
  return Promise.race([
    exited,
    new Promise<string>((resolve) => setTimeout(() => resolve('still running'), ms).unref()),
  ]);
}

/** Reads an SSE stream to its end; resolves with its events in order (a broken connection is an event too). */
async function readEvents(response: Response): Promise<Array<{ event: string; data: string }>> {
  const reader = response.body?.getReader();
  assert.ok(reader);
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    text += `\n\nevent: (connection error: ${String(error)})\n\n`;
  }
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => ({ event: /^event: (.*)$/m.exec(frame)?.[1] ?? '', data: /^data: (.*)$/m.exec(frame)?.[1] ?? '' }));
}

test('SIGTERM with streamed runs in progress: each stream ends with the run failed then done, and the process exits within the drain timeout', async () => {
  const drainMs = 3_000;
  const spool = await startSpool({ env: { SPOOL_MODEL_BASE_URL: model.url, SPOOL_DRAIN_TIMEOUT: `${drainMs}ms` } });
  let exited: Promise<number | string> | undefined;
  try {
    const assistant = (await postJson(`${spool.baseURL}/assistants`, { model: 'gpt-4o' })).json as { id: string };
    const streams = await Promise.all(
      Array.from({ length: 3 }, () =>
        fetch(`${spool.baseURL}/threads/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'openai-beta': 'assistants=v2' },
          body: JSON.stringify({
            assistant_id: assistant.id,
            stream: true,
            thread: { messages: [{ role: 'user', content: 'talk slowly' }] },
          }),
        }),
      ),
    );
    const events = streams.map(readEvents);
    // A body still arriving (the request timeout is 30 s) must not hold the shutdown either.
    const { hostname, port } = new URL(spool.url);
    const trickler = connect(Number(port), hostname);
    trickler.on('error', () => undefined);
    trickler.write(
      'POST /v1/threads HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{',
    );
    // Every run is streaming its message when the signal lands.
    while (model.requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const signalledAt = Date.now();
    exited = spool.stop('SIGTERM');
    const code = await exitWithin(exited, drainMs + 7_000);
    const tookMs = Date.now() - signalledAt;
    assert.equal(code, 0, `exit after SIGTERM: ${code} (${tookMs} ms)`);
    // The drain timeout bounds the shutdown; the margin is for a busy machine.
    assert.ok(tookMs < drainMs + 3_000, `exited ${tookMs} ms after SIGTERM, drain timeout ${drainMs} ms`);
    trickler.destroy();

    let runId = '';
    let threadId = '';
    for (const stream of await Promise.all(events)) {
      const names = stream.map((frame) => frame.event);
      assert.ok(names.includes('thread.message.delta'), `the run was streaming: ${names.join(' ')}`);
      assert.deepEqual(
        names.slice(-2),
        ['thread.run.failed', 'done'],
        `the stream ends with the run's end: ${names.slice(-4).join(' ')}`,
      );
      const failed = JSON.parse(stream.at(-2)?.data ?? '{}') as {
        id: string;
        thread_id: string;
        status: string;
        last_error: { code: string; message: string };
      };
      assert.equal(failed.status, 'failed');
      assert.deepEqual(failed.last_error, {
        code: 'server_error',
        message: 'The server shut down while the run was in progress.',
      });
      runId = failed.id;
      threadId = failed.thread_id;
    }

    // The store agrees with what the streams said.
    const restarted = await startSpool({ dataDir: spool.dataDir, env: { SPOOL_MODEL_BASE_URL: model.url } });
    try {
      const client = new OpenAI({ baseURL: restarted.baseURL, apiKey: 'sk-test', maxRetries: 0 });
      const run = await client.beta.threads.runs.retrieve(runId, { thread_id: threadId });
      assert.equal(run.status, 'failed');
      const [message] = (await client.beta.threads.messages.list(threadId, { run_id: runId })).data;
      assert.equal((await storedMessageStatus(restarted, message?.id ?? ''))?.status, 'incomplete');
    } finally {
      await restarted.stop();
    }
  } finally {
    if (!exited || (await exitWithin(exited, 0)) === 'still running') await spool.stop('SIGKILL');
  }
});

/** A Spool logging every request, whose stdout nobody reads once it has said where it listens. */
async function spoolWithUnreadStdout(env: Record<string, string>) {
  // Spawned by hand rather than with startSpool, which reads stdout. The store plays no part: SQLite.
  const child = spawn(process.execPath, [spoolBin, 'serve', '--port', '0', '--data-dir', makeTempDir()], {
    env: { PATH: process.env.PATH ?? '', SPOOL_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  child.stderr.resume();
  let seen = '';
  const url = await new Promise<string>((resolve) => {
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /Spool listening on (http:\/\/\S+)/.exec(seen)?.[1];
      if (!found) return;
      child.stdout.off('data', onData);
      // From here on nobody reads stdout: once the pipe and this side's buffer are full, the server's writes find no room.
      child.stdout.pause();
      resolve(found);
    };
    child.stdout.on('data', onData);
  });
  return { child, exited, url };
}

/**
 * Sends `count` requests whose log lines are about 8 KB each (their URL is logged): 1,000 of them
 * are far more than the pipe holds, and twice what Spool lets wait before dropping lines.
 */
async function logHeavily(url: string, count: number): Promise<void> {
  const padding = 'p'.repeat(8_000);
  let answered = 0;
  const worker = async () => {
    while (answered < count) {
      answered++;
      const response = await fetch(`${url}/v1/threads/thread_abc123?padding=${padding}`, {
        headers: { 'openai-beta': 'assistants=v2' },
        signal: AbortSignal.timeout(5_000),
      });
      await response.text();
      assert.equal(response.status, 404);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker)).catch((error: unknown) =>
    assert.fail(`the server stopped answering after ${answered} requests: ${String(error)}`),
  );
}

test('SIGTERM with stdout a pipe nobody reads, filled by request logs: the server keeps answering, then exits within the drain timeout', async () => {
  const drainMs = 2_000;
  const { child, exited, url } = await spoolWithUnreadStdout({ SPOOL_DRAIN_TIMEOUT: `${drainMs}ms` });
  try {
    await logHeavily(url, 1_000);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const code = await exitWithin(exited, drainMs + 10_000);
    const tookMs = Date.now() - signalledAt;
    assert.equal(code, 0, `exit after SIGTERM: ${code} (${tookMs} ms)`);
    assert.ok(tookMs < drainMs + 3_000, `exited ${tookMs} ms after SIGTERM, drain timeout ${drainMs} ms`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout.destroy();
  }
});

test('log lines that found stdout full are dropped, and counted once it is read again', async () => {
  const { child, url } = await spoolWithUnreadStdout({});
  try {
    await logHeavily(url, 1_000);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.resume();
    const startedAt = Date.now();
    while (!output.includes('log lines were dropped') && Date.now() - startedAt < 10_000)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const warning = output.split('\n').find((line) => line.includes('log lines were dropped'));
    assert.ok(warning, `no warning about dropped lines in ${output.length} bytes of output`);
    const { dropped, level } = JSON.parse(warning) as { dropped: number; level: number };
    assert.equal(level, 40);
    // About 8 MB of lines were logged and at most 4 MB (plus what the pipe holds) may wait.
    assert.ok(dropped > 100 && dropped < 1_000, `dropped ${dropped} of 1,000 lines`);
  } finally {
    child.kill('SIGKILL');
    child.stdout.destroy();
  }
});
