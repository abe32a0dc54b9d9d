// parseRequest and parseInclude without a server: each schema keyword the validator understands,
// with OpenAI's wording, the dotted `param` and the code. The wire suites check the same rules
// through HTTP on every endpoint; these pin the validator's own order and edge cases.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../../src/domain/errors.js';
import { parseInclude, parseRequest } from '../../src/domain/validate.js';

function refusal(run: () => unknown): {
  status: number;
  message: string;
  type: string;
  param: string | null;
  code: string | null;
} {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return { status: error.status, ...error.toEnvelope().error };
  }
  assert.fail('expected an ApiError');
}

const functionTool = (name: string) => ({ type: 'function', function: { name } });
const imageMessage = (url: string) => ({ role: 'user', content: [{ type: 'image_url', image_url: { url } }] });

describe('parseRequest', () => {
  test('a body that is not an object, an unknown key, a missing key and a wrong type', () => {
    assert.deepEqual(
      refusal(() => parseRequest('CreateThreadRequest', [])),
      {
        status: 400,
        message: 'Invalid type for request body: expected an object, but got an array instead.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_type',
      },
    );
    assert.deepEqual(
      refusal(() => parseRequest('CreateThreadRequest', { role: 'user' })),
      {
        status: 400,
        message: "Unknown parameter: 'role'.",
        type: 'invalid_request_error',
        param: 'role',
        code: 'unknown_parameter',
      },
    );
    assert.equal(
      refusal(() => parseRequest('CreateRunRequest', {})).message,
      "Missing required parameter: 'assistant_id'.",
    );
    assert.equal(
      refusal(() => parseRequest('CreateRunRequest', { assistant_id: 'asst_1', temperature: 'hot' })).code,
      'invalid_type',
    );
    assert.deepEqual(parseRequest('CreateThreadRequest', undefined), {});
  });

  test('the schema owns the run bounds: max_prompt_tokens >= 256 and truncation last_messages >= 1', () => {
    assert.deepEqual(
      refusal(() => parseRequest('CreateRunRequest', { assistant_id: 'asst_1', max_prompt_tokens: 100 })),
      {
        status: 400,
        message:
          "Invalid 'max_prompt_tokens': integer below minimum value. Expected a value >= 256, but got 100 instead.",
        type: 'invalid_request_error',
        param: 'max_prompt_tokens',
        code: 'integer_below_min_value',
      },
    );
    assert.equal(
      refusal(() =>
        parseRequest('CreateRunRequest', {
          assistant_id: 'asst_1',
          truncation_strategy: { type: 'last_messages', last_messages: 0 },
        }),
      ).param,
      'truncation_strategy.last_messages',
    );
  });

  test('a function name matches its pattern after its length is checked', () => {
    assert.deepEqual(
      refusal(() => parseRequest('CreateAssistantRequest', { model: 'm', tools: [functionTool('a b')] })),
      {
        status: 400,
        message:
          "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
        type: 'invalid_request_error',
        param: 'tools[0].function.name',
        code: 'invalid_value',
      },
    );
    assert.equal(
      refusal(() => parseRequest('CreateAssistantRequest', { model: 'm', tools: [functionTool('')] })).code,
      'invalid_value',
    );
    assert.equal(
      refusal(() => parseRequest('CreateAssistantRequest', { model: 'm', tools: [functionTool('a'.repeat(65))] })).code,
      'string_above_max_length',
    );
    parseRequest('CreateAssistantRequest', { model: 'm', tools: [functionTool('A-z_09'.padEnd(64, 'x'))] });
  });

  test('an image URL: its scheme first, then its form as a URI', () => {
    const param = 'content[0].image_url.url';
    assert.match(
      refusal(() => parseRequest('CreateMessageRequest', imageMessage('ftp://x/a.png'))).message,
      /unsupported URL/,
    );
    for (const url of [
      'https://',
      'http://a b',
      'https://x/%g0',
      'https://x/"a"',
      'https://x/é',
      'data:image/png;base64,a b',
    ]) {
      assert.deepEqual(
        refusal(() => parseRequest('CreateMessageRequest', imageMessage(url))),
        {
          status: 400,
          message: `Invalid '${param}': Expected a valid URL, but got a value with an invalid format.`,
          type: 'invalid_request_error',
          param,
          code: 'invalid_value',
        },
        url,
      );
    }
    for (const url of [
      'https://x/a%C3%A9.png?q=1&r=[2]#f',
      'http://127.0.0.1:8080/a.png',
      `data:image/png;base64,${'A'.repeat(4_000_000)}`,
    ]) {
      parseRequest('CreateMessageRequest', imageMessage(url));
    }
  });

  test('file_search takes exactly one of vector_store_ids and vector_stores where the schema says oneOf', () => {
    assert.deepEqual(
      refusal(() => parseRequest('CreateThreadRequest', { tool_resources: { file_search: {} } })),
      {
        status: 400,
        message: "Invalid 'tool_resources.file_search': one of 'vector_store_ids' or 'vector_stores' must be provided.",
        type: 'invalid_request_error',
        param: 'tool_resources.file_search',
        code: 'missing_required_parameter',
      },
    );
    assert.equal(
      refusal(() =>
        parseRequest('CreateAssistantRequest', {
          model: 'm',
          tool_resources: { file_search: { vector_store_ids: [], vector_stores: [] } },
        }),
      ).message,
      "Invalid 'tool_resources.file_search': only one of 'vector_store_ids' or 'vector_stores' may be provided.",
    );
    assert.equal(
      refusal(() =>
        parseRequest('CreateThreadAndRunRequest', {
          assistant_id: 'a',
          thread: { tool_resources: { file_search: {} } },
        }),
      ).param,
      'thread.tool_resources.file_search',
    );
    // The modify requests and create-and-run's own tool_resources list only vector_store_ids, optional.
    parseRequest('ModifyThreadRequest', { tool_resources: { file_search: {} } });
    parseRequest('CreateThreadAndRunRequest', { assistant_id: 'a', tool_resources: { file_search: {} } });
  });
});

describe('parseInclude', () => {
  const value = 'step_details.tool_calls[*].file_search.results[*].content';

  test('takes the spec value, once or repeated, and nothing', () => {
    assert.deepEqual(parseInclude({}), []);
    assert.deepEqual(parseInclude({ 'include[]': value }), [value]);
    assert.deepEqual(parseInclude({ 'include[]': [value, value] }), [value, value]);
  });

  test('names the first unknown value by its index', () => {
    assert.deepEqual(
      refusal(() => parseInclude({ 'include[]': [value, 'x'] })),
      {
        status: 400,
        message: `Invalid value: 'x'. Supported values are: '${value}'.`,
        type: 'invalid_request_error',
        param: 'include[1]',
        code: 'invalid_value',
      },
    );
    assert.equal(refusal(() => parseInclude({ 'include[]': Array(17).fill(value) })).code, 'array_above_max_length');
  });
});
