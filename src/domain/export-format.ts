// The `spool export` format: JSON Lines, one record per line. A header, the project's assistants,
// then each thread in list order followed by its messages in order and its runs (each followed by
// its steps), then a footer with the counts (a truncated file has no footer). Threads and messages
// are in their wire shape; assistants, runs and steps in their stored shape (the wire shape and
// the few fields a run keeps for itself, such as additional_instructions). A reader refuses
// record types it does not know rather than drop them. Version 1 files (threads and messages
// only) still import.
import type { Assistant } from './assistant.js';
import type { Message, messageEventToWire } from './message.js';
import type { MetadataMap } from './metadata.js';
import type { Thread, threadToWire } from './thread.js';
import type { Run, RunStatus } from './run.js';
import type { RunStep } from './run-step.js';
import type { ToolResources } from './tool-resources.js';

export const exportFormat = 'spool.export';
export const exportVersion = 2;

export interface ExportHeader {
  type: 'header';
  format: typeof exportFormat;
  version: number;
  project: string;
  exported_at: number;
}

export interface ExportCounts {
  threads: number;
  messages: number;
  assistants: number;
  runs: number;
  run_steps: number;
}

export function emptyCounts(): ExportCounts {
  return { threads: 0, messages: 0, assistants: 0, runs: 0, run_steps: 0 };
}

export type ExportRecord =
  | ExportHeader
  | { type: 'thread'; thread: ReturnType<typeof threadToWire> }
  | { type: 'message'; message: ReturnType<typeof messageEventToWire> }
  | { type: 'assistant'; assistant: Assistant }
  | { type: 'run'; run: Run }
  | { type: 'run_step'; run_step: RunStep }
  | ({ type: 'footer' } & ExportCounts);

/** What an import reads: the objects, back in their stored shape. */
export type ImportItem =
  | { type: 'header'; header: ExportHeader }
  | { type: 'thread'; thread: Thread }
  | { type: 'message'; message: Message }
  | { type: 'assistant'; assistant: Assistant }
  | { type: 'run'; run: Run }
  | { type: 'run_step'; run_step: RunStep }
  | { type: 'footer'; counts: ExportCounts };

export function exportLine(record: ExportRecord): string {
  return `${JSON.stringify(record)}\n`;
}

export class ImportFormatError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(line: number, message: string): never {
  throw new ImportFormatError(`line ${line}: ${message}`);
}

function field<T>(
  line: number,
  object: Json,
  name: string,
  check: (value: unknown) => value is T,
  expected: string,
): T {
  const value = object[name];
  if (!check(value)) fail(line, `'${name}' must be ${expected}`);
  return value;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isWholeNumber = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isWholeNumberOrNull = (value: unknown): value is number | null => value === null || isWholeNumber(value);
const isStringOrNull = (value: unknown): value is string | null => value === null || isString(value);
const isMetadata = (value: unknown): value is MetadataMap => isObject(value) && Object.values(value).every(isString);
const isArrayOfObjects = (value: unknown): value is Json[] => Array.isArray(value) && value.every(isObject);
const isAttachments = (value: unknown): value is Message['attachments'] =>
  Array.isArray(value) &&
  value.every(
    (each) =>
      isObject(each) &&
      isString(each.file_id) &&
      Array.isArray(each.tools) &&
      each.tools.every((tool) => isObject(tool) && (tool.type === 'code_interpreter' || tool.type === 'file_search')),
  );
const hasPrefix =
  (prefix: string) =>
  (value: unknown): value is string =>
    isString(value) && value.startsWith(`${prefix}_`);

function threadFrom(line: number, wire: unknown): Thread {
  if (!isObject(wire) || wire.object !== 'thread') fail(line, "'thread' must be a thread object");
  return {
    id: field(line, wire, 'id', hasPrefix('thread'), "a 'thread_' id"),
    created_at: field(line, wire, 'created_at', isWholeNumber, 'Unix seconds'),
    metadata: field(line, wire, 'metadata', isMetadata, 'a map of strings'),
    tool_resources: field(line, wire, 'tool_resources', isObject, 'an object') as ToolResources,
  };
}

function messageFrom(line: number, wire: unknown): Message {
  if (!isObject(wire) || wire.object !== 'thread.message') fail(line, "'message' must be a thread.message object");
  const incomplete = wire.incomplete_details;
  if (incomplete !== null && !(isObject(incomplete) && isString(incomplete.reason)))
    fail(line, "'incomplete_details' must be null or {reason}");
  return {
    id: field(line, wire, 'id', hasPrefix('msg'), "a 'msg_' id"),
    created_at: field(line, wire, 'created_at', isWholeNumber, 'Unix seconds'),
    thread_id: field(line, wire, 'thread_id', hasPrefix('thread'), "a 'thread_' id"),
    status: field(
      line,
      wire,
      'status',
      (value): value is Message['status'] => value === 'in_progress' || value === 'incomplete' || value === 'completed',
      'a message status',
    ),
    incomplete_details: incomplete === null ? null : { reason: (incomplete as { reason: string }).reason },
    completed_at: field(line, wire, 'completed_at', isWholeNumberOrNull, 'Unix seconds or null'),
    incomplete_at: field(line, wire, 'incomplete_at', isWholeNumberOrNull, 'Unix seconds or null'),
    role: field(
      line,
      wire,
      'role',
      (value): value is Message['role'] => value === 'user' || value === 'assistant',
      "'user' or 'assistant'",
    ),
    content: field(line, wire, 'content', isArrayOfObjects, 'an array of content parts') as Message['content'],
    assistant_id: field(line, wire, 'assistant_id', isStringOrNull, 'a string or null'),
    run_id: field(line, wire, 'run_id', isStringOrNull, 'a string or null'),
    attachments: field(line, wire, 'attachments', isAttachments, 'an array of {file_id, tools}'),
    metadata: field(line, wire, 'metadata', isMetadata, 'a map of strings'),
  };
}

const runStatuses: readonly RunStatus[] = [
  'queued',
  'in_progress',
  'requires_action',
  'cancelling',
  'cancelled',
  'failed',
  'completed',
  'incomplete',
  'expired',
];

// Assistants, runs and steps are checked for what the store indexes them by; the rest of each
// object is kept as Spool wrote it.
function assistantFrom(line: number, stored: unknown): Assistant {
  if (!isObject(stored)) fail(line, "'assistant' must be an object");
  field(line, stored, 'id', hasPrefix('asst'), "an 'asst_' id");
  field(line, stored, 'created_at', isWholeNumber, 'Unix seconds');
  field(line, stored, 'model', isString, 'a string');
  field(line, stored, 'metadata', isMetadata, 'a map of strings');
  return stored as unknown as Assistant;
}

function runFrom(line: number, stored: unknown): Run {
  if (!isObject(stored)) fail(line, "'run' must be an object");
  field(line, stored, 'id', hasPrefix('run'), "a 'run_' id");
  field(line, stored, 'thread_id', hasPrefix('thread'), "a 'thread_' id");
  field(line, stored, 'assistant_id', isString, 'a string');
  field(line, stored, 'created_at', isWholeNumber, 'Unix seconds');
  field(line, stored, 'expires_at', isWholeNumberOrNull, 'Unix seconds or null');
  field(
    line,
    stored,
    'status',
    (value): value is RunStatus => runStatuses.includes(value as RunStatus),
    'a run status',
  );
  return stored as unknown as Run;
}

function runStepFrom(line: number, stored: unknown): RunStep {
  if (!isObject(stored)) fail(line, "'run_step' must be an object");
  field(line, stored, 'id', hasPrefix('step'), "a 'step_' id");
  field(line, stored, 'run_id', hasPrefix('run'), "a 'run_' id");
  field(line, stored, 'thread_id', hasPrefix('thread'), "a 'thread_' id");
  field(line, stored, 'created_at', isWholeNumber, 'Unix seconds');
  return stored as unknown as RunStep;
}

/** A count of the footer; version 1 footers have only threads and messages. */
function count(line: number, record: Json, name: keyof ExportCounts): number {
  return record[name] === undefined && name !== 'threads' && name !== 'messages'
    ? 0
    : field(line, record, name, isWholeNumber, 'a count');
}

/** Parses one line of an export (1-based `line` for messages); throws ImportFormatError. */
export function parseExportLine(text: string, line: number): ImportItem {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    fail(line, 'not valid JSON');
  }
  if (!isObject(record)) fail(line, 'not a JSON object');
  switch (record.type) {
    case 'header': {
      if (record.format !== exportFormat) fail(line, `not a ${exportFormat} file`);
      const version = field(line, record, 'version', isWholeNumber, 'an integer');
      if (version > exportVersion)
        fail(line, `format version ${version} is newer than this Spool reads (${exportVersion})`);
      return {
        type: 'header',
        header: {
          type: 'header',
          format: exportFormat,
          version,
          project: field(line, record, 'project', isString, 'a string'),
          exported_at: field(line, record, 'exported_at', isWholeNumber, 'Unix seconds'),
        },
      };
    }
    case 'thread':
      return { type: 'thread', thread: threadFrom(line, record.thread) };
    case 'message':
      return { type: 'message', message: messageFrom(line, record.message) };
    case 'assistant':
      return { type: 'assistant', assistant: assistantFrom(line, record.assistant) };
    case 'run':
      return { type: 'run', run: runFrom(line, record.run) };
    case 'run_step':
      return { type: 'run_step', run_step: runStepFrom(line, record.run_step) };
    case 'footer':
      return {
        type: 'footer',
        counts: {
          threads: count(line, record, 'threads'),
          messages: count(line, record, 'messages'),
          assistants: count(line, record, 'assistants'),
          runs: count(line, record, 'runs'),
          run_steps: count(line, record, 'run_steps'),
        },
      };
    default:
      return fail(line, `unknown record type ${JSON.stringify(record.type)} (from a newer Spool?)`);
  }
}
