// How the client commands find the server and the key (flags, SPOOL_*, OPENAI_*), and how they fail:
// the server's message on stderr and exit 1, usage errors exit 2, an unreachable server exit 3.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { type RecordingProxy, startRecordingProxy } from '../support/recording-proxy.js';
import { type SpoolProcess, startSpool } from '../support/spool.js';

const key = 'sk-cli-test-key-abcdefghijklmnopqrstuvwxyz012345';
let spool: SpoolProcess;
let proxy: RecordingProxy;

before(async () => {
  spool = await startSpool({ env: { SPOOL_API_KEYS: key } });
  proxy = await startRecordingProxy(spool.url);
});
after(async () => {
  await proxy.close();
  await spool.stop();
});

/** A port on which nothing listens: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('where the server is and which key to send', () => {
  test('the key: --api-key wins over SPOOL_API_KEY, which wins over OPENAI_API_KEY; sent as a bearer with the beta header', async () => {
    const cases: Array<[string[], Record<string, string>]> = [
      [['--api-key', key], { SPOOL_API_KEY: 'sk-wrong-1', OPENAI_API_KEY: 'sk-wrong-2' }],
      [[], { SPOOL_API_KEY: key, OPENAI_API_KEY: 'sk-wrong-2' }],
      [[], { OPENAI_API_KEY: key }],
    ];
    for (const [flags, env] of cases) {
      proxy.requests.length = 0;
      const result = await runCli(['threads', 'create', ...flags], { env: { SPOOL_BASE_URL: proxy.baseURL, ...env } });
      assert.equal(result.code, 0, `${JSON.stringify(env)}: ${result.stderr}`);
      const [request] = proxy.requests;
      assert.equal(request?.headers.authorization, `Bearer ${key}`);
      assert.equal(request?.headers['openai-beta'], 'assistants=v2');
      assert.match(String(request?.headers['user-agent']), /^spool-cli\/\d+\.\d+\.\d+/);
    }
  });

  test('a base URL that is only the server address (no /v1, as people often write it) reaches the API at /v1', async () => {
    const serverAddress = proxy.baseURL.replace(/\/v1$/, '');
    for (const base of [serverAddress, `${serverAddress}/`]) {
      proxy.requests.length = 0;
      const result = await runCli(['threads', 'list', '--limit', '1'], {
        env: { SPOOL_BASE_URL: base, SPOOL_API_KEY: key },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(proxy.requests[0]?.url, '/v1/threads?limit=1');
    }
  });

  test('the base URL: --base-url (after or before the command) wins over SPOOL_BASE_URL, which wins over OPENAI_BASE_URL', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}/v1`;
    const cases: Array<[string[], Record<string, string>]> = [
      [['threads', 'list', '--base-url', proxy.baseURL], { SPOOL_BASE_URL: nowhere, OPENAI_BASE_URL: nowhere }],
      [['--base-url', proxy.baseURL, '--api-key', key, 'threads', 'list'], { SPOOL_BASE_URL: nowhere }],
      [['threads', 'list'], { SPOOL_BASE_URL: proxy.baseURL, OPENAI_BASE_URL: nowhere }],
      [['threads', 'list'], { OPENAI_BASE_URL: `${proxy.baseURL}/` }],
    ];
    for (const [args, env] of cases) {
      proxy.requests.length = 0;
      const result = await runCli(args, { env: { SPOOL_API_KEY: key, ...env } });
      assert.equal(result.code, 0, `${args.join(' ')} ${JSON.stringify(env)}: ${result.stderr}`);
      assert.deepEqual(
        proxy.requests.map((request) => `${request.method} ${request.url}`),
        ['GET /v1/threads'],
      );
    }
  });
});

describe('failures', () => {
  test("a refused key: the server's 401 message on stderr, nothing on stdout, exit 1", async () => {
    const result = await runCli(['threads', 'list'], {
      env: { SPOOL_BASE_URL: spool.baseURL, SPOOL_API_KEY: 'sk-not-a-real-key-000000000000' },
    });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^spool: HTTP 401: Incorrect API key provided: sk-not-a\*{18}0000\. You can find your API key at https:\/\/platform\.openai\.com\/account\/api-keys\.\n$/,
    );
    const none = await runCli(['threads', 'list'], { env: { SPOOL_BASE_URL: spool.baseURL } });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^spool: HTTP 401: You didn't provide an API key\./);
  });

  test('an unreachable server: the URL tried and the reason, exit 3', async () => {
    const port = await closedPort();
    const result = await runCli(['threads', 'retrieve', '--thread-id', 'thread_abc'], {
      env: { SPOOL_BASE_URL: `http://127.0.0.1:${port}/v1`, SPOOL_API_KEY: key },
    });
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      `spool: could not reach http://127.0.0.1:${port}/v1/threads/thread_abc: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
  });

  test("a malformed ID: the server's 400 message, exit 1", async () => {
    const result = await runCli(['threads', 'retrieve', 'nope'], {
      env: { SPOOL_BASE_URL: spool.baseURL, SPOOL_API_KEY: key },
    });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "spool: HTTP 400: Invalid 'thread_id': 'nope'. Expected an ID that begins with 'thread'.\n",
    );
  });

  test('a YAML value that is not a string where the API wants one: the server says so (exit 1), as with OpenAI', async () => {
    const result = await runCli(['threads', 'create', '--metadata', '{n: 1}'], {
      env: { SPOOL_BASE_URL: spool.baseURL, SPOOL_API_KEY: key },
    });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "spool: HTTP 400: Invalid type for 'metadata.n': expected a string, but got an integer instead.\n",
    );
  });

  for (const [args, pattern] of [
    [
      ['threads', 'create', '--metadata', '{a: '],
      /option '--metadata <yaml>' argument '\{a: ' is invalid\. The value is not valid YAML or JSON \(/,
    ],
    [['threads', 'create', '--metadata', '[1, 2]'], /Expected an object such as '\{key: value\}', got a list\./],
    [['threads', 'list', '--metadata', 'team'], /Expected key=value, e\.g\. 'team=support'\./],
    [['threads', 'list', '--order', 'sideways'], /Allowed choices are asc, desc\./],
    [['threads', 'list', '--format', 'xml'], /Allowed choices are json, jsonl\./],
    [['threads', 'list', '--all', '--before', 'thread_a'], /option '--all' cannot be used with option '--before <id>'/],
    [['threads', 'retrieve'], /missing --thread-id/],
    [['threads', 'frobnicate'], /unknown command 'frobnicate'/],
    [['threads', 'create', '--bogus'], /unknown option '--bogus'/],
    [['threads', 'list', '--base-url', 'not a url'], /the base URL must be an absolute http\(s\) URL/],
    [['threads', 'list', '--base-url', 'ftp://example.com/v1'], /the base URL must be an http or https URL/],
  ] as const) {
    test(`usage error, exit 2, one line, nothing sent: ${args.join(' ')}`, async () => {
      proxy.requests.length = 0;
      const result = await runCli([...args], { env: { SPOOL_BASE_URL: proxy.baseURL, SPOOL_API_KEY: key } });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.deepEqual(proxy.requests, []);
    });
  }

  test('a piped body that is not an object is a usage error', async () => {
    const result = await runCli(['threads', 'create'], {
      env: { SPOOL_BASE_URL: proxy.baseURL, SPOOL_API_KEY: key },
      stdin: '- just\n- a list\n',
    });
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'spool: the body piped on stdin must be a YAML or JSON object\n');
  });
});
