// The one error type of the API. Routes and validators throw it; the HTTP layer renders it as
// OpenAI's envelope {"error":{"message","type","param","code"}}.
import type { IdPrefix } from './ids.js';

export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'server_error' | 'rate_limit_error' | 'not_found_error';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toEnvelope(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export type NotFoundKind = 'thread' | 'message' | 'assistant' | 'run' | 'step';

export function notFound(kind: NotFoundKind, id: string): ApiError {
  return new ApiError(404, `No ${kind} found with id '${id}'.`);
}

export function invalidIdPrefix(param: string, value: string, prefix: IdPrefix): ApiError {
  return new ApiError(400, `Invalid '${param}': '${value}'. Expected an ID that begins with '${prefix}'.`, 'invalid_request_error', param, 'invalid_id_prefix');
}

export function invalidJsonBody(): ApiError {
  return new ApiError(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  );
}

export function invalidUrl(method: string, url: string): ApiError {
  return new ApiError(404, `Invalid URL (${method} ${url})`);
}

export function methodNotAllowed(method: string, url: string, allowed: readonly string[]): ApiError {
  return new ApiError(
    405,
    `Invalid method for URL (${method} ${url}). Supported methods: ${allowed.join(', ')}.`,
    'invalid_request_error',
    null,
    'method_not_allowed',
    { allow: allowed.join(', ') },
  );
}

export function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `Request body too large. The maximum request body size is ${limitBytes} bytes.`, 'invalid_request_error', null, 'request_too_large');
}

export function missingApiKey(): ApiError {
  return new ApiError(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  );
}

/** OpenAI shows the first 8 characters, a '*' for each hidden one, then the last 4. */
export function maskApiKey(key: string): string {
  if (key.length <= 12) return key;
  return `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`;
}

export function incorrectApiKey(key: string): ApiError {
  return new ApiError(
    401,
    `Incorrect API key provided: ${maskApiKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    null,
    'invalid_api_key',
  );
}

export function missingBetaHeader(): ApiError {
  return new ApiError(
    400,
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.",
    'invalid_request_error',
    null,
    'invalid_beta',
  );
}

export function deprecatedBetaV1(): ApiError {
  return new ApiError(
    400,
    "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'. See the migration guide for more information: https://platform.openai.com/docs/assistants/migration.",
    'invalid_request_error',
    null,
    'invalid_beta',
  );
}

export function serviceUnavailable(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(503, message, 'server_error', null, 'service_unavailable', { 'retry-after': String(retryAfterSeconds) });
}

export function tooManyProperties(param: string, max: number, actual: number): ApiError {
  return new ApiError(
    400,
    `Invalid '${param}': too many properties. Expected an object with at most ${max} properties, but got an object with ${actual} properties instead.`,
    'invalid_request_error',
    param,
    'object_above_max_properties',
  );
}

export function bodyTooDeep(maxDepth: number): ApiError {
  return new ApiError(400, `The JSON body of your request is nested too deeply. The maximum nesting depth is ${maxDepth}.`, 'invalid_request_error', null, 'json_above_max_depth');
}
