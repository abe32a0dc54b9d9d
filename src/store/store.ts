// The store: one database, reached by resource (`store.threads`, `store.runs`, ...), with
// transactions that hand their work the same names on one handle (`tx.threads`, `tx.runs`, ...).
import type { Kysely } from 'kysely';
import { ApiKeys } from './api-keys.js';
import { AssistantsRepository } from './assistants-repository.js';
import { type DialectName, snapshotTransaction } from './dialect.js';
import { IdempotencyRepository } from './idempotency-repository.js';
import { MessagesRepository } from './messages-repository.js';
import { RunsRepository } from './runs-repository.js';
import type { Database } from './schema.js';
import { StepsRepository } from './steps-repository.js';
import { ThreadsRepository } from './threads-repository.js';

/**
 * Every query, by resource, on one handle: the database itself or a transaction. Request-path
 * methods take the project; worker methods (claim, lease, sweep, save by ID) address a run, its
 * steps and its messages by their IDs.
 */
export interface Repositories {
  readonly threads: ThreadsRepository;
  readonly messages: MessagesRepository;
  readonly assistants: AssistantsRepository;
  readonly runs: RunsRepository;
  readonly steps: StepsRepository;
  readonly idempotency: IdempotencyRepository;
}

export function repositories(db: Kysely<Database>, dialect: DialectName): Repositories {
  return {
    threads: new ThreadsRepository(db, dialect),
    messages: new MessagesRepository(db, dialect),
    assistants: new AssistantsRepository(db),
    runs: new RunsRepository(db, dialect),
    steps: new StepsRepository(db),
    idempotency: new IdempotencyRepository(db),
  };
}

export class Store implements Repositories {
  // Queries outside a transaction: each one is atomic on its own.
  readonly threads: ThreadsRepository;
  readonly messages: MessagesRepository;
  readonly assistants: AssistantsRepository;
  readonly runs: RunsRepository;
  readonly steps: StepsRepository;
  readonly idempotency: IdempotencyRepository;
  readonly apiKeys: ApiKeys;

  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: DialectName,
    /** Run by close() once the database is closed (SQLite: stops the WAL checkpointer). */
    private readonly release: () => Promise<void> = async () => {},
  ) {
    const all = repositories(db, dialect);
    this.threads = all.threads;
    this.messages = all.messages;
    this.assistants = all.assistants;
    this.runs = all.runs;
    this.steps = all.steps;
    this.idempotency = all.idempotency;
    this.apiKeys = new ApiKeys(db);
  }

  /** Runs `work` in one transaction: it commits when `work` resolves, and nothing is kept if it throws. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(repositories(trx, this.dialect)));
  }

  /** A transaction whose reads all see one snapshot: an export stays consistent while others write. */
  snapshot<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return snapshotTransaction(this.db, this.dialect).execute((trx) => work(repositories(trx, this.dialect)));
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.release();
  }
}
