// The store: one database, reached through the Repository, with transactions.
import type { Kysely } from 'kysely';
import { ApiKeys } from './api-keys.js';
import type { DialectName } from './dialect.js';
import { Repository } from './repository.js';
import { RunsRepository } from './runs-repository.js';
import type { Database } from './schema.js';

export class Store {
  /** Queries outside a transaction: each one is atomic on its own. */
  readonly repo: Repository;
  readonly apiKeys: ApiKeys;
  readonly runs: RunsRepository;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** Run by close() once the database is closed (SQLite: stops the WAL checkpointer). */
    private readonly release: () => Promise<void> = async () => {},
  ) {
    this.repo = new Repository(db, dialect);
    this.apiKeys = new ApiKeys(db);
    this.runs = new RunsRepository(db, dialect);
  }

  /** Runs `work` in one transaction: it commits when `work` resolves, and nothing is kept if it throws. */
  transaction<T>(work: (repo: Repository, runs: RunsRepository) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(new Repository(trx, this.dialect), new RunsRepository(trx, this.dialect)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.release();
  }
}
