// Request bodies: JSON whatever the content-type says (curl -d sends form encoding), and an empty
// body is no body, as the Python SDK and openai-node v4 send on GET and DELETE with a JSON content-type.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidJsonBody } from '../domain/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as received, for idempotency fingerprints. */
    rawBody: string;
  }
}

export function registerBodyParser(app: FastifyInstance, bodyLimitBytes: number): void {
  app.decorateRequest('rawBody', '');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: bodyLimitBytes }, (request: FastifyRequest, text: string | Buffer, done) => {
    const raw = typeof text === 'string' ? text : text.toString('utf8');
    request.rawBody = raw;
    if (raw.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(raw));
    } catch {
      done(invalidJsonBody(), undefined);
    }
  });
}
