// Moves a project's threads and messages out of a store and into another (or the same) one, in the
// `spool export` format: same ids, timestamps and order on either engine.
import { nowSeconds } from '../domain/clock.js';
import { type ExportCounts, exportFormat, exportLine, exportVersion, ImportFormatError, parseExportLine } from '../domain/export-format.js';
import { messageToWire } from '../domain/message.js';
import type { ListParams } from '../domain/pagination.js';
import { threadToWire } from '../domain/thread.js';
import { ApiKeys } from './api-keys.js';
import { isUniqueViolation, snapshotTransaction } from './dialect.js';
import { Repository } from './repository.js';
import type { Store } from './store.js';

const pageSize = 100;

/** Writes every thread of the project (oldest first), each followed by its messages, from one snapshot. */
export async function exportProject(store: Store, project: { id: string; name: string }, write: (line: string) => Promise<void>): Promise<ExportCounts> {
  return snapshotTransaction(store.db, store.dialect).execute(async (trx) => {
    const repo = new Repository(trx, store.dialect);
    const counts = { threads: 0, messages: 0 };
    await write(exportLine({ type: 'header', format: exportFormat, version: exportVersion, project: project.name, exported_at: nowSeconds() }));
    let threadsAfter: string | undefined;
    for (;;) {
      const threads = await repo.listThreads(project.id, pageOf(threadsAfter), { metadata: [] });
      for (const thread of threads.items) {
        await write(exportLine({ type: 'thread', thread: threadToWire(thread) }));
        counts.threads += 1;
        let messagesAfter: string | undefined;
        for (;;) {
          const messages = await repo.listMessages(project.id, thread.id, pageOf(messagesAfter));
          for (const message of messages.items) await write(exportLine({ type: 'message', message: messageToWire(message) }));
          counts.messages += messages.items.length;
          if (!messages.hasMore) break;
          messagesAfter = messages.items.at(-1)?.id;
        }
      }
      if (!threads.hasMore) break;
      threadsAfter = threads.items.at(-1)?.id;
    }
    await write(exportLine({ type: 'footer', ...counts }));
    return counts;
  });
}

function pageOf(after: string | undefined): ListParams {
  return after === undefined ? { limit: pageSize, order: 'asc' } : { limit: pageSize, order: 'asc', after };
}

/**
 * Imports an export, in one transaction: all of it, or nothing when a line is malformed, the file
 * is cut short, or an id already exists. `projectFor` names the target project (created if need
 * be), given the project named in the export's header.
 */
export async function importProject(store: Store, projectFor: (exported: string) => string, lines: AsyncIterable<string>): Promise<ExportCounts> {
  return store.db.transaction().execute(async (trx) => {
    const repo = new Repository(trx, store.dialect);
    const counts = { threads: 0, messages: 0 };
    let projectId = '';
    let number = 0;
    let headerSeen = false;
    let footer: ExportCounts | undefined;
    let currentThread: string | undefined;
    for await (const text of lines) {
      number += 1;
      if (text.trim() === '') continue;
      if (footer) throw new ImportFormatError(`line ${number}: nothing may follow the footer`);
      const item = parseExportLine(text, number);
      if (!headerSeen && item.type !== 'header') throw new ImportFormatError(`line ${number}: expected the header first`);
      try {
        switch (item.type) {
          case 'header':
            if (headerSeen) throw new ImportFormatError(`line ${number}: a second header`);
            headerSeen = true;
            projectId = await new ApiKeys(trx).ensureProject(projectFor(item.header.project));
            break;
          case 'thread':
            await repo.insertThread(projectId, item.thread);
            currentThread = item.thread.id;
            counts.threads += 1;
            break;
          case 'message':
            if (item.message.thread_id !== currentThread) throw new ImportFormatError(`line ${number}: message ${item.message.id} does not follow its thread ${item.message.thread_id}`);
            await repo.insertMessage(projectId, item.message);
            counts.messages += 1;
            break;
          case 'footer':
            footer = item.counts;
            break;
        }
      } catch (error) {
        if (isUniqueViolation(error)) throw new ImportFormatError(`line ${number}: an object with this id already exists in the target database`);
        throw error;
      }
    }
    if (!headerSeen) throw new ImportFormatError('the input is empty');
    if (!footer) throw new ImportFormatError(`the input ends at line ${number} without its footer: it was cut short`);
    if (footer.threads !== counts.threads || footer.messages !== counts.messages) {
      throw new ImportFormatError(`the footer counts ${footer.threads} threads and ${footer.messages} messages, but the file holds ${counts.threads} and ${counts.messages}`);
    }
    return counts;
  });
}
