// The responses stored under an Idempotency-Key (see http/idempotency.ts), per project; only the
// sweep of expired ones spans every project.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  body: string;
  createdAt: number;
}

export class IdempotencyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findStoredResponse(projectId: string, key: string): Promise<StoredResponse | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row
      ? {
          requestHash: row.request_hash,
          statusCode: row.status_code,
          body: row.response_body,
          createdAt: Number(row.created_at),
        }
      : undefined;
  }

  /**
   * Stores the response for a key, replacing one stored before `expiredBefore`. A fresh one is never
   * replaced: if another replica stored one since this request looked, the insert fails with a
   * unique violation, and the caller replays that response instead.
   */
  async storeResponse(projectId: string, key: string, response: StoredResponse, expiredBefore: number): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('project_id', '=', projectId)
      .where('key', '=', key)
      .where('created_at', '<=', expiredBefore)
      .execute();
    await this.db
      .insertInto('idempotency_keys')
      .values({
        project_id: projectId,
        key,
        request_hash: response.requestHash,
        status_code: response.statusCode,
        response_body: response.body,
        created_at: response.createdAt,
      })
      .execute();
  }

  async deleteStoredResponsesBefore(createdAt: number): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('created_at', '<', createdAt).execute();
  }
}
