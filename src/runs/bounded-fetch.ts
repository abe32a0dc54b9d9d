// The model server's responses, bounded before the SDK reads them: no line longer than
// maxLineBytes (the SDK keeps a stream's line whole, copying it again at every read, until its
// newline comes) and no more than maxResponseBytes in all, whatever the model server sends.

/** A stream event is one line: a whole answer in one event (a server that does not really stream) fits. */
export const maxLineBytes = 1024 * 1024;
/** Far more than the largest answer Spool keeps (see run-execution.ts) in token-sized events. */
export const maxResponseBytes = 64 * 1024 * 1024;

export class ResponseTooLarge extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseTooLarge';
  }
}

const newline = 0x0a;

function bounded(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let total = 0;
  let line = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        const first = chunk.indexOf(newline);
        const longest =
          first === -1
            ? line + chunk.byteLength
            : Math.max(line + first, chunk.byteLength - chunk.lastIndexOf(newline) - 1);
        line = first === -1 ? line + chunk.byteLength : chunk.byteLength - chunk.lastIndexOf(newline) - 1;
        if (longest > maxLineBytes)
          controller.error(
            new ResponseTooLarge(
              `The model server sent a stream event larger than ${maxLineBytes} bytes, more than Spool accepts.`,
            ),
          );
        else if (total > maxResponseBytes)
          controller.error(
            new ResponseTooLarge(
              `The model server sent more than ${maxResponseBytes} bytes for one answer, more than Spool accepts.`,
            ),
          );
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** `fetch`, with every response body bounded. */
export async function boundedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await fetch(input, init);
  if (!response.body) return response;
  return new Response(bounded(response.body), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
