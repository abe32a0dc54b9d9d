// What the store holds, read straight from the database: for facts the REST wire does not show
// (OpenAI's REST messages carry no status; only the stream's message events do).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { queryDatabase } from './postgres.js';
import type { SpoolProcess } from './spool.js';

export interface StoredMessageStatus {
  status: string;
  incomplete_details: { reason: string } | null;
}

export async function storedMessageStatus(
  spool: Pick<SpoolProcess, 'dataDir' | 'databaseUrl'>,
  messageId: string,
): Promise<StoredMessageStatus | undefined> {
  const sql = 'select status, incomplete_details from messages where id = ';
  let row: { status: string; incomplete_details: string | null } | undefined;
  if (spool.databaseUrl) {
    [row] = await queryDatabase<{ status: string; incomplete_details: string | null }>(spool.databaseUrl, `${sql}$1`, [
      messageId,
    ]);
  } else {
    const database = new Database(join(spool.dataDir, 'spool.db'), { readonly: true });
    try {
      row = database.prepare(`${sql}?`).get(messageId) as typeof row;
    } finally {
      database.close();
    }
  }
  return (
    row && {
      status: row.status,
      incomplete_details:
        row.incomplete_details === null ? null : (JSON.parse(row.incomplete_details) as { reason: string }),
    }
  );
}
