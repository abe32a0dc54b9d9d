// API keys: stored as SHA-256 hashes (keys are long random strings, so a fast hash is enough),
// each belonging to a project. Keys from SPOOL_API_KEYS belong to the default project.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { nowSeconds } from '../domain/clock.js';
import { newId, randomBase62 } from '../domain/ids.js';
import type { Database } from './schema.js';

export const defaultProjectId = 'proj_default';

/** The shortest key Spool accepts in SPOOL_API_KEYS (its own keys are 49 characters). */
export const minimumApiKeyLength = 20;

export interface ApiKeyOwner {
  keyId: string;
  projectId: string;
}

export interface ApiKeyRecord {
  id: string;
  project: string;
  redacted: string;
  name: string | null;
  source: string;
  created_at: number;
  revoked_at: number | null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** How many leading characters of a key its redacted form shows: a type prefix, not a secret. */
const redactedPrefixLength = 7;

/**
 * A key as `spool keys list` shows it, the way OpenAI shows keys: a short prefix and the last 4
 * characters (`sk-spoo...abcd`), never more than 11 characters of the key whatever its length.
 * A key shorter than the minimum (refused since) would show nothing of itself.
 */
export function redactApiKey(key: string): string {
  if (key.length < minimumApiKeyLength) return '...';
  return `${key.slice(0, redactedPrefixLength)}...${key.slice(-4)}`;
}

export class ApiKeys {
  constructor(private readonly db: Kysely<Database>) {}

  async findOwner(key: string): Promise<ApiKeyOwner | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .select(['id', 'project_id'])
      .where('key_hash', '=', hashApiKey(key))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? { keyId: row.id, projectId: row.project_id } : undefined;
  }

  /**
   * Whether any key was ever configured, revoked ones included: revoking the last key must lock
   * the server, not open it.
   */
  async anyConfigured(): Promise<boolean> {
    const row = await this.db.selectFrom('api_keys').select('id').limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /** Makes the env-sourced keys exactly `keys`: adds new ones, removes those no longer listed. */
  async syncEnvKeys(keys: readonly string[]): Promise<void> {
    const wanted = new Map(keys.map((key) => [hashApiKey(key), key]));
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('api_keys')
        .select(['id', 'key_hash', 'redacted'])
        .where('source', '=', 'env')
        .execute();
      const stale = existing.filter((row) => !wanted.has(row.key_hash)).map((row) => row.id);
      if (stale.length > 0) await trx.deleteFrom('api_keys').where('id', 'in', stale).execute();
      const present = new Map(existing.map((row) => [row.key_hash, row]));
      for (const [hash, key] of wanted) {
        const row = present.get(hash);
        // A key redacted by an earlier version lost its last 4 (see migration 0003): given back here.
        if (row && row.redacted !== redactApiKey(key))
          await trx
            .updateTable('api_keys')
            .set({ redacted: redactApiKey(key) })
            .where('id', '=', row.id)
            .execute();
        if (row) continue;
        await trx
          .insertInto('api_keys')
          .values({
            id: newId('key'),
            project_id: defaultProjectId,
            key_hash: hash,
            redacted: redactApiKey(key),
            name: 'SPOOL_API_KEYS',
            source: 'env',
            created_at: nowSeconds(),
            revoked_at: null,
          })
          .onConflict((oc) => oc.column('key_hash').doNothing())
          .execute();
      }
    });
  }

  async findProjectId(name: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirst();
    return row?.id;
  }

  async ensureProject(name: string): Promise<string> {
    const existing = await this.db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirst();
    if (existing) return existing.id;
    const id = newId('proj');
    await this.db
      .insertInto('projects')
      .values({ id, name, created_at: nowSeconds() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('projects').select('id').where('name', '=', name).executeTakeFirstOrThrow();
    return row.id;
  }

  /** Creates a key for the project (creating the project if needed); the key is shown only here. */
  async create(projectName: string, name: string | null): Promise<{ key: string; record: ApiKeyRecord }> {
    const projectId = await this.ensureProject(projectName);
    const key = `sk-spool-${randomBase62(40)}`;
    const record = {
      id: newId('key'),
      project_id: projectId,
      key_hash: hashApiKey(key),
      redacted: redactApiKey(key),
      name,
      source: 'admin',
      created_at: nowSeconds(),
      revoked_at: null,
    };
    await this.db.insertInto('api_keys').values(record).execute();
    return {
      key,
      record: {
        id: record.id,
        project: projectName,
        redacted: record.redacted,
        name,
        source: 'admin',
        created_at: record.created_at,
        revoked_at: null,
      },
    };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db
      .selectFrom('api_keys')
      .innerJoin('projects', 'projects.id', 'api_keys.project_id')
      .select([
        'api_keys.id',
        'projects.name as project',
        'api_keys.redacted',
        'api_keys.name',
        'api_keys.source',
        'api_keys.created_at',
        'api_keys.revoked_at',
      ])
      .orderBy('api_keys.created_at')
      .execute();
    return rows.map((row) => ({
      ...row,
      created_at: Number(row.created_at),
      revoked_at: row.revoked_at === null ? null : Number(row.revoked_at),
    }));
  }

  /** Revokes a key by its id; false when there is no such active key. */
  async revoke(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: nowSeconds() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
