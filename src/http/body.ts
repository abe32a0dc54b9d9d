// Request bodies: JSON whatever the content-type says (curl -d sends form encoding), and an empty
// body is no body, as the Python SDK and openai-node v4 send on GET and DELETE with a JSON content-type.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bodyTooDeep, invalidJsonBody } from '../domain/errors.js';

/** No request needs more levels; deeper ones would only feed recursion (validation, serialising). */
const maxBodyDepth = 64;

/** Where the string opened by the quote at `open` closes (a quote after an even run of backslashes), or -1. */
function closingQuote(text: string, open: number): number {
  for (let at = text.indexOf('"', open + 1); at !== -1; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    for (let index = at - 1; text.charCodeAt(index) === 0x5c; index--) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return -1;
}

/**
 * The deepest nesting of objects and arrays in JSON text, counted without parsing; stops past `limit`.
 * Strings, most of a body, are skipped with indexOf rather than read a character at a time, which
 * made this scan cost several times JSON.parse itself on every POST.
 */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22) {
      index = closingQuote(text, index);
      if (index === -1) return deepest; // an unterminated string: JSON.parse rejects the body
    } else if (code === 0x7b || code === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return deepest;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as received, for idempotency fingerprints. */
    rawBody: string;
  }
}

export function registerBodyParser(app: FastifyInstance, bodyLimitBytes: number): void {
  app.decorateRequest('rawBody', '');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: bodyLimitBytes },
    (request: FastifyRequest, text: string | Buffer, done) => {
      const raw = typeof text === 'string' ? text : text.toString('utf8');
      request.rawBody = raw;
      if (raw.trim() === '') {
        done(null, undefined);
        return;
      }
      if (jsonDepth(raw, maxBodyDepth) > maxBodyDepth) {
        done(bodyTooDeep(maxBodyDepth), undefined);
        return;
      }
      try {
        done(null, JSON.parse(raw));
      } catch {
        done(invalidJsonBody(), undefined);
      }
    },
  );
}
