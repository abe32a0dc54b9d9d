// Idempotency-Key (beyond OpenAI): a POST retried with the same key within 24 hours gets the first
// response back instead of doing the work again. The SDKs retry creates on timeouts and 5xx, and
// send no key themselves; clients that care add the header.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { nowSeconds } from '../domain/clock.js';
import { ApiError } from '../domain/errors.js';
import { isUniqueViolation } from '../store/dialect.js';
import type { Repositories, Store } from '../store/store.js';

export const idempotencyWindowSeconds = 24 * 60 * 60;
const maxKeyLength = 255;

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${request.rawBody}`).digest('hex');
}

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > maxKeyLength) {
    throw new ApiError(
      400,
      `Invalid 'Idempotency-Key' header: expected 1 to ${maxKeyLength} characters, but got ${key.length}.`,
      { code: 'invalid_idempotency_key' },
    );
  }
  return key;
}

/**
 * Runs a write in one transaction and returns what to send. The reply is sent only after the
 * transaction has committed. With an Idempotency-Key, the response is stored in that same
 * transaction, and a retry replays it (header `idempotent-replayed: true`).
 */
export async function committedWrite<T>(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (tx: Repositories) => Promise<T>,
): Promise<T> {
  const written = await idempotentWrite(store, request, reply, work, (result) => result);
  return 'fresh' in written ? written.fresh : written.replayed;
}

/** What a write did: its work's result, or (a retry with a known key) the part stored the first time. */
export type Written<T, S> = { fresh: T } | { replayed: S };

/**
 * committedWrite for an answer that is more than what a retry gets back (a streamed run): `stored`
 * picks the JSON part to keep under the key, and the caller learns whether this was a replay.
 */
export async function idempotentWrite<T, S>(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  work: (tx: Repositories) => Promise<T>,
  stored: (result: T) => S,
): Promise<Written<T, S>> {
  const key = idempotencyKeyOf(request);
  if (key === undefined) return { fresh: await store.transaction(work) };
  const requestHash = fingerprint(request);
  const attempt = () =>
    store.transaction(async (tx): Promise<Written<T, S>> => {
      const prior = await tx.idempotency.findStoredResponse(request.projectId, key);
      if (prior && prior.createdAt > nowSeconds() - idempotencyWindowSeconds) {
        if (prior.requestHash !== requestHash) {
          throw new ApiError(
            400,
            'Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than the one used earlier.',
            { code: 'idempotency_key_reused' },
          );
        }
        reply.header('idempotent-replayed', 'true').code(prior.statusCode);
        return { replayed: JSON.parse(prior.body) as S };
      }
      const result = await work(tx);
      const now = nowSeconds();
      await tx.idempotency.storeResponse(
        request.projectId,
        key,
        { requestHash, statusCode: reply.statusCode, body: JSON.stringify(stored(result)), createdAt: now },
        now - idempotencyWindowSeconds,
      );
      return { fresh: result };
    });
  try {
    return await attempt();
  } catch (error) {
    // Two replicas raced on the same key; the other one's response is stored now.
    if (isUniqueViolation(error)) return attempt();
    throw error;
  }
}
