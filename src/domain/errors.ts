// The one error type of the API. Routes and validators throw it; the HTTP layer renders it as
// OpenAI's envelope {"error":{"message","type","param","code"}}.
import type { IdPrefix } from './ids.js';

export interface ApiErrorOptions {
  /** OpenAI's error type: `invalid_request_error` unless given. */
  type?: string;
  /** The dotted path of the request field at fault (`messages[0].content`). */
  param?: string | null;
  code?: string | null;
  /** Response headers the error brings (`allow`, `retry-after`). */
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    message: string,
    options: ApiErrorOptions = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.type = options.type ?? 'invalid_request_error';
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  toEnvelope(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

// OpenAI's validator phrasings, each spelt once: the message names the dotted `param` it reports.

/** `Invalid 'param': <detail>`, code `invalid_value`. */
export function invalidValue(param: string, detail: string): ApiError {
  return new ApiError(400, `Invalid '${param}': ${detail}`, { param, code: 'invalid_value' });
}

function quotedList(values: readonly unknown[]): string {
  const quoted = values.map((value) => `'${String(value)}'`);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

/** A value outside an enum: `Invalid value: 'x'. Supported values are: 'a' and 'b'.` */
export function unsupportedValue(param: string, value: unknown, supported: readonly unknown[]): ApiError {
  return new ApiError(400, `Invalid value: '${String(value)}'. Supported values are: ${quotedList(supported)}.`, {
    param,
    code: 'invalid_value',
  });
}

/** `Missing required parameter: 'param'.` */
export function missingParameter(param: string): ApiError {
  return new ApiError(400, `Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
}

/** `Invalid type for 'param': expected an integer, but got a string instead.`; `param` null for the body itself. */
export function invalidType(param: string | null, expected: string, got: string): ApiError {
  const subject = param === null ? 'request body' : `'${param}'`;
  return new ApiError(400, `Invalid type for ${subject}: expected ${expected}, but got ${got} instead.`, {
    param,
    code: 'invalid_type',
  });
}

/** A number past a `minimum` or `maximum`: `Invalid 'limit': integer above maximum value. Expected a value <= 100, but got 101 instead.` */
export function integerOutOfRange(
  param: string,
  kind: 'integer' | 'decimal',
  bound: number,
  got: number,
  side: 'min' | 'max',
): ApiError {
  const [position, extreme, comparison] = side === 'max' ? ['above', 'maximum', '<='] : ['below', 'minimum', '>='];
  return new ApiError(
    400,
    `Invalid '${param}': ${kind} ${position} ${extreme} value. Expected a value ${comparison} ${bound}, but got ${got} instead.`,
    {
      param,
      code: `${kind}_${position}_${side}_value`,
    },
  );
}

export type NotFoundKind = 'thread' | 'message' | 'assistant' | 'run' | 'step';

export function notFound(kind: NotFoundKind, id: string): ApiError {
  return new ApiError(404, `No ${kind} found with id '${id}'.`);
}

export function invalidIdPrefix(param: string, value: string, prefix: IdPrefix): ApiError {
  return new ApiError(400, `Invalid '${param}': '${value}'. Expected an ID that begins with '${prefix}'.`, {
    param,
    code: 'invalid_id_prefix',
  });
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
  return new ApiError(405, `Invalid method for URL (${method} ${url}). Supported methods: ${allowed.join(', ')}.`, {
    code: 'method_not_allowed',
    headers: { allow: allowed.join(', ') },
  });
}

export function bodyTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, `Request body too large. The maximum request body size is ${limitBytes} bytes.`, {
    code: 'request_too_large',
  });
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
    { code: 'invalid_api_key' },
  );
}

export function missingBetaHeader(): ApiError {
  return new ApiError(
    400,
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting the header 'OpenAI-Beta: assistants=v2'.",
    { code: 'invalid_beta' },
  );
}

export function deprecatedBetaV1(): ApiError {
  return new ApiError(
    400,
    "The v1 Assistants API has been deprecated. Please try again by setting the header 'OpenAI-Beta: assistants=v2'. See the migration guide for more information: https://platform.openai.com/docs/assistants/migration.",
    { code: 'invalid_beta' },
  );
}

export function serviceUnavailable(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(503, message, {
    type: 'server_error',
    code: 'service_unavailable',
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}

export function tooManyProperties(param: string, max: number, actual: number): ApiError {
  return new ApiError(
    400,
    `Invalid '${param}': too many properties. Expected an object with at most ${max} properties, but got an object with ${actual} properties instead.`,
    { param, code: 'object_above_max_properties' },
  );
}

export function bodyTooDeep(maxDepth: number): ApiError {
  return new ApiError(
    400,
    `The JSON body of your request is nested too deeply. The maximum nesting depth is ${maxDepth}.`,
    { code: 'json_above_max_depth' },
  );
}
