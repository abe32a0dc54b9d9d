// The benchmark's baseline: Spool's SQLite statements behind a bare node:http server, with no
// framework, validation, auth, idempotency or query builder. Run as a child process by the bench.
// Usage: node --import tsx bench/baseline-server.ts --data-dir <dir> [--durability normal|full]
// The data dir must hold a database migrated by `spool migrate`, so the tables are Spool's own.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SqliteDatabase from 'better-sqlite3';
import { nowSeconds } from '../src/domain/clock.js';
import { newId } from '../src/domain/ids.js';
import { type Message, messageFromRequest, messageToWire } from '../src/domain/message.js';
import { type MetadataMap, metadataFrom } from '../src/domain/metadata.js';
import type { CreateMessageRequest } from '../src/domain/openapi/request-types.js';
import { listToWire } from '../src/domain/pagination.js';
import { type Thread, threadDeletedToWire, threadToWire } from '../src/domain/thread.js';

const { values: flags } = parseArgs({
  options: { 'data-dir': { type: 'string' }, durability: { type: 'string', default: 'normal' } },
});
const dataDir = flags['data-dir'];
if (!dataDir) throw new Error('--data-dir is required');

// The same pragmas as src/store/sqlite.ts.
const db = new SqliteDatabase(join(dataDir, 'spool.db'), { fileMustExist: true });
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${flags.durability === 'full' ? 'FULL' : 'NORMAL'}`);
db.pragma('busy_timeout = 5000');

const projectId = 'proj_default';

// The statements Spool issues for these endpoints (traced from its Kysely queries).
const sql = {
  insertThread: db.prepare<[string, string, number, string, string], { seq: number }>(
    'insert into threads (id, project_id, created_at, metadata, tool_resources) values (?, ?, ?, ?, ?) returning seq',
  ),
  insertMetadata: db.prepare(
    'insert into thread_metadata (project_id, thread_seq, key, value, created_at) values (?, ?, ?, ?, ?)',
  ),
  selectThread: db.prepare<[string, string], ThreadRow>('select * from threads where id = ? and project_id = ?'),
  deleteMetadata: db.prepare('delete from thread_metadata where thread_seq = ?'),
  updateThread: db.prepare('update threads set metadata = ?, tool_resources = ? where seq = ?'),
  deleteThread: db.prepare<[string, string], { seq: number }>(
    'delete from threads where id = ? and project_id = ? returning seq',
  ),
  deleteMessages: db.prepare('delete from messages where thread_id = ? and project_id = ?'),
  insertMessage: db.prepare(
    'insert into messages (id, project_id, thread_id, created_at, role, status, content, attachments, metadata, assistant_id, run_id, completed_at, incomplete_at, incomplete_details) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ),
  listMessages: db.prepare<[string, string, number], MessageRow>(
    'select * from messages where thread_id = ? and project_id = ? order by created_at desc, seq desc limit ?',
  ),
};

interface ThreadRow {
  seq: number;
  id: string;
  created_at: number;
  metadata: string;
  tool_resources: string;
}

interface MessageRow {
  id: string;
  thread_id: string;
  created_at: number;
  role: Message['role'];
  status: Message['status'];
  content: string;
  attachments: string;
  metadata: string;
  assistant_id: string | null;
  run_id: string | null;
  completed_at: number | null;
  incomplete_at: number | null;
  incomplete_details: string | null;
}

/** The request bodies the bench sends; trusted as they are, since skipping validation is the point. */
interface ThreadBody {
  metadata?: MetadataMap;
}

function threadFromRow(row: ThreadRow): Thread {
  return {
    id: row.id,
    created_at: row.created_at,
    metadata: JSON.parse(row.metadata),
    tool_resources: JSON.parse(row.tool_resources),
  };
}

function messageFromRow(row: MessageRow): Message {
  return {
    id: row.id,
    created_at: row.created_at,
    thread_id: row.thread_id,
    status: row.status,
    incomplete_details: row.incomplete_details === null ? null : JSON.parse(row.incomplete_details),
    completed_at: row.completed_at,
    incomplete_at: row.incomplete_at,
    role: row.role,
    content: JSON.parse(row.content),
    assistant_id: row.assistant_id,
    run_id: row.run_id,
    attachments: JSON.parse(row.attachments),
    metadata: JSON.parse(row.metadata),
  };
}

function insertMetadata(seq: number, createdAt: number, metadata: MetadataMap): void {
  for (const [key, value] of Object.entries(metadata)) sql.insertMetadata.run(projectId, seq, key, value, createdAt);
}

const createThread = db.transaction((body: ThreadBody): Thread => {
  const thread: Thread = {
    id: newId('thread'),
    created_at: nowSeconds(),
    metadata: body.metadata ?? {},
    tool_resources: {},
  };
  const inserted = sql.insertThread.get(
    thread.id,
    projectId,
    thread.created_at,
    JSON.stringify(thread.metadata),
    JSON.stringify(thread.tool_resources),
  );
  if (!inserted) throw new Error('insert into threads returned no row');
  insertMetadata(inserted.seq, thread.created_at, thread.metadata);
  return thread;
});

const modifyThread = db.transaction((threadId: string, body: ThreadBody): Thread | undefined => {
  const row = sql.selectThread.get(threadId, projectId);
  if (!row) return undefined;
  const thread = threadFromRow(row);
  if (body.metadata) {
    thread.metadata = body.metadata;
    sql.deleteMetadata.run(row.seq);
    insertMetadata(row.seq, thread.created_at, thread.metadata);
  }
  sql.updateThread.run(JSON.stringify(thread.metadata), JSON.stringify(thread.tool_resources), row.seq);
  return thread;
});

const deleteThread = db.transaction((threadId: string): boolean => {
  const deleted = sql.deleteThread.get(threadId, projectId);
  if (!deleted) return false;
  sql.deleteMetadata.run(deleted.seq);
  sql.deleteMessages.run(threadId, projectId);
  return true;
});

const createMessage = db.transaction((threadId: string, body: CreateMessageRequest): Message | undefined => {
  if (!sql.selectThread.get(threadId, projectId)) return undefined;
  const m = messageFromRequest(threadId, body, newId('msg'), nowSeconds(), metadataFrom(body.metadata));
  sql.insertMessage.run(
    m.id,
    projectId,
    m.thread_id,
    m.created_at,
    m.role,
    m.status,
    JSON.stringify(m.content),
    JSON.stringify(m.attachments),
    JSON.stringify(m.metadata),
    m.assistant_id,
    m.run_id,
    m.completed_at,
    m.incomplete_at,
    null,
  );
  return m;
});

function listMessages(threadId: string, limit: number) {
  if (!sql.selectThread.get(threadId, projectId)) return undefined;
  const rows = sql.listMessages.all(threadId, projectId, limit + 1);
  return listToWire({ items: rows.slice(0, limit).map(messageFromRow), hasMore: rows.length > limit }, messageToWire);
}

/** Routes one request; undefined means 404. */
function handle(method: string, path: string, query: URLSearchParams, body: string): object | undefined {
  const [, v1, threads, threadId, messages, extra] = path.split('/');
  if (v1 !== 'v1' || threads !== 'threads' || extra !== undefined) return undefined;
  const parsed: unknown = body === '' ? {} : JSON.parse(body);
  if (threadId === undefined) return method === 'POST' ? threadToWire(createThread(parsed as ThreadBody)) : undefined;
  if (messages === 'messages') {
    if (method === 'POST') {
      const message = createMessage(threadId, parsed as CreateMessageRequest);
      return message && messageToWire(message);
    }
    return method === 'GET' ? listMessages(threadId, Number(query.get('limit') ?? 20)) : undefined;
  }
  if (messages !== undefined) return undefined;
  if (method === 'GET') {
    const row = sql.selectThread.get(threadId, projectId);
    return row && threadToWire(threadFromRow(row));
  }
  if (method === 'POST') {
    const thread = modifyThread(threadId, parsed as ThreadBody);
    return thread && threadToWire(thread);
  }
  if (method === 'DELETE') return deleteThread(threadId) ? threadDeletedToWire(threadId) : undefined;
  return undefined;
}

function send(response: ServerResponse, status: number, payload: object): void {
  // Pretty-printed with a 2-space indent, as Spool and OpenAI send it, so both put the same bytes on the wire.
  const text = JSON.stringify(payload, null, 2);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    try {
      const payload = handle(
        request.method ?? 'GET',
        path,
        new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)),
        Buffer.concat(chunks).toString('utf8'),
      );
      if (payload) send(response, 200, payload);
      else
        send(response, 404, {
          error: {
            message: `No such route or object: ${request.method} ${path}`,
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        });
    } catch (error) {
      send(response, 500, { error: { message: String(error), type: 'server_error', param: null, code: null } });
    }
  });
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`Baseline listening on http://127.0.0.1:${port}\n`);
});

process.once('SIGTERM', () => {
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeAllConnections();
});
