// The tables, as Kysely sees them. JSON columns hold text on both engines so key order survives
// (PostgreSQL's jsonb would reorder metadata keys).
import type { Generated } from 'kysely';

export interface ProjectsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  key_hash: string;
  /** The first characters of the key, so a person can tell keys apart without seeing them. */
  redacted: string;
  name: string | null;
  /** 'env' for keys from SPOOL_API_KEYS (kept in step with it at start-up), 'admin' for created ones. */
  source: string;
  created_at: number;
  revoked_at: number | null;
}

export interface ThreadsTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  created_at: number;
  metadata: string;
  tool_resources: string;
}

/** One row per metadata pair, so that filtering threads by metadata is an index range scan. */
export interface ThreadMetadataTable {
  project_id: string;
  thread_seq: number;
  key: string;
  value: string;
  created_at: number;
}

export interface MessagesTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  thread_id: string;
  created_at: number;
  role: string;
  status: string;
  content: string;
  attachments: string;
  metadata: string;
  assistant_id: string | null;
  run_id: string | null;
  completed_at: number | null;
  incomplete_at: number | null;
  incomplete_details: string | null;
}

export interface IdempotencyKeysTable {
  project_id: string;
  key: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  created_at: number;
}

/** Assistants, runs and steps are stored whole as JSON `data`, beside the columns queries need. */
export interface AssistantsTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  created_at: number;
  data: string;
}

export interface RunsTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  thread_id: string;
  status: string;
  created_at: number;
  expires_at: number | null;
  /** The worker executing the run, and until when (epoch ms) its claim holds. */
  lease_owner: string | null;
  lease_expires_at: number | null;
  data: string;
}

export interface RunStepsTable {
  seq: Generated<number>;
  id: string;
  project_id: string;
  run_id: string;
  thread_id: string;
  created_at: number;
  data: string;
}

export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  threads: ThreadsTable;
  thread_metadata: ThreadMetadataTable;
  messages: MessagesTable;
  idempotency_keys: IdempotencyKeysTable;
  assistants: AssistantsTable;
  runs: RunsTable;
  run_steps: RunStepsTable;
}
