// Raw HTTP against Spool with fetch: exact status, headers and bodies.
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function raw(
  url: string,
  init: RequestInit & { headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const response = await fetch(url, { ...init, headers: { 'openai-beta': 'assistants=v2', ...init.headers } });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return raw(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The error object of an OpenAI envelope, after checking the envelope has exactly its four keys in order. */
export function envelopeOf(response: RawResponse): ErrorEnvelope['error'] {
  const body = response.json as ErrorEnvelope;
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error')
    throw new Error(`not an error envelope: ${response.text}`);
  if (Object.keys(body.error).join() !== 'message,type,param,code')
    throw new Error(`error keys are ${Object.keys(body.error).join()}: ${response.text}`);
  return body.error;
}
