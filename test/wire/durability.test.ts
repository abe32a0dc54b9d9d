// Acknowledged writes survive a SIGKILL; SIGTERM finishes the requests in flight, then exits 0.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { postJson, raw } from '../support/http.js';
import { startSpool } from '../support/spool.js';

async function writeUntilStopped(baseURL: string, acknowledged: string[], running: () => boolean): Promise<void> {
  while (running()) {
    try {
      const reply = await postJson(`${baseURL}/threads`, {
        metadata: { load: 'crash' },
        messages: [{ role: 'user', content: 'survive' }],
      });
      if (reply.status === 200) acknowledged.push((reply.json as { id: string }).id);
      else if (reply.status !== 503) throw new Error(`unexpected ${reply.status}: ${reply.text}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('unexpected')) throw error;
      return; // the connection died with the server
    }
  }
}

async function assertAllPresent(baseURL: string, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const thread = await raw(`${baseURL}/threads/${id}`);
    assert.equal(thread.status, 200, `acknowledged thread ${id} is missing after restart`);
    const messages = (await raw(`${baseURL}/threads/${id}/messages`)).json as { data: unknown[] };
    assert.equal(messages.data.length, 1, `thread ${id} lost its message`);
  }
}

test('SIGKILL under write load loses no acknowledged write', async () => {
  const spool = await startSpool();
  const acknowledged: string[] = [];
  let running = true;
  const writers = Array.from({ length: 8 }, () => writeUntilStopped(spool.baseURL, acknowledged, () => running));
  await sleep(1500);
  const killed = spool.stop('SIGKILL');
  running = false;
  assert.equal(await killed, 'SIGKILL');
  await Promise.all(writers);
  assert.ok(acknowledged.length > 50, `only ${acknowledged.length} writes were acknowledged before the kill`);

  const restarted = await startSpool({ dataDir: spool.dataDir });
  try {
    await assertAllPresent(restarted.baseURL, acknowledged);
  } finally {
    await restarted.stop();
  }
});

test('SIGTERM lets a request in flight finish, then exits 0', async () => {
  const spool = await startSpool();
  const body = JSON.stringify({ metadata: { drained: 'yes' } });
  const url = new URL(`${spool.baseURL}/threads`);
  let exited: Promise<number | string> | undefined;
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    outgoing.on('error', reject);
    // Half the body now, the rest after SIGTERM: the request is in flight when the signal lands.
    outgoing.write(body.slice(0, 10));
    setTimeout(() => {
      exited = spool.stop('SIGTERM');
      setTimeout(() => outgoing.end(body.slice(10)), 300);
    }, 100);
  });
  const reply = await answer;
  assert.equal(reply.status, 200, reply.text);
  assert.equal(await exited, 0);
  const thread = JSON.parse(reply.text) as { id: string };
  const restarted = await startSpool({ dataDir: spool.dataDir });
  try {
    assert.equal((await raw(`${restarted.baseURL}/threads/${thread.id}`)).status, 200);
  } finally {
    await restarted.stop();
  }
});

test('--durability full serves the same API', async () => {
  const spool = await startSpool({ args: ['--durability', 'full'] });
  try {
    const created = await postJson(`${spool.baseURL}/threads`, { messages: [{ role: 'user', content: 'fsync' }] });
    assert.equal(created.status, 200);
  } finally {
    assert.equal(await spool.stop(), 0);
  }
});
