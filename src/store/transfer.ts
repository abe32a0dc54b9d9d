// Moves a project's assistants, threads, messages, runs and steps out of a store and into another (or the same) one, in the
// `spool export` format: same ids, timestamps and order on either engine.
import { nowSeconds } from '../domain/clock.js';
import {
  type ExportCounts,
  emptyCounts,
  exportFormat,
  exportLine,
  exportVersion,
  ImportFormatError,
  parseExportLine,
} from '../domain/export-format.js';
import { messageEventToWire } from '../domain/message.js';
import type { ListParams } from '../domain/pagination.js';
import { threadToWire } from '../domain/thread.js';
import { ApiKeys } from './api-keys.js';
import { isUniqueViolation } from './dialect.js';
import { repositories, type Store } from './store.js';

const pageSize = 100;

/**
 * Writes the project's assistants, then every thread (oldest first), each followed by its messages
 * and its runs with their steps, from one snapshot.
 */
export async function exportProject(
  store: Store,
  project: { id: string; name: string },
  write: (line: string) => Promise<void>,
): Promise<ExportCounts> {
  return store.snapshot(async (tx) => {
    const counts = emptyCounts();
    await write(
      exportLine({
        type: 'header',
        format: exportFormat,
        version: exportVersion,
        project: project.name,
        exported_at: nowSeconds(),
      }),
    );
    for await (const assistant of allPages((after) => tx.assistants.list(project.id, pageOf(after)))) {
      await write(exportLine({ type: 'assistant', assistant }));
      counts.assistants += 1;
    }
    let threadsAfter: string | undefined;
    for (;;) {
      const threads = await tx.threads.list(project.id, pageOf(threadsAfter), { metadata: [] });
      for (const thread of threads.items) {
        await write(exportLine({ type: 'thread', thread: threadToWire(thread) }));
        counts.threads += 1;
        let messagesAfter: string | undefined;
        for (;;) {
          const messages = await tx.messages.list(project.id, thread.id, pageOf(messagesAfter));
          for (const message of messages.items)
            await write(exportLine({ type: 'message', message: messageEventToWire(message) }));
          counts.messages += messages.items.length;
          if (!messages.hasMore) break;
          messagesAfter = messages.items.at(-1)?.id;
        }
        for await (const run of allPages((after) => tx.runs.list(project.id, thread.id, pageOf(after)))) {
          await write(exportLine({ type: 'run', run }));
          counts.runs += 1;
          for (const step of await tx.steps.ofRun(run.id)) {
            await write(exportLine({ type: 'run_step', run_step: step }));
            counts.run_steps += 1;
          }
        }
      }
      if (!threads.hasMore) break;
      threadsAfter = threads.items.at(-1)?.id;
    }
    await write(exportLine({ type: 'footer', ...counts }));
    return counts;
  });
}

async function* allPages<T extends { id: string }>(
  page: (after: string | undefined) => Promise<{ items: T[]; hasMore: boolean }>,
): AsyncGenerator<T> {
  let after: string | undefined;
  for (;;) {
    const { items, hasMore } = await page(after);
    yield* items;
    if (!hasMore) return;
    after = items.at(-1)?.id;
  }
}

function pageOf(after: string | undefined): ListParams {
  return after === undefined ? { limit: pageSize, order: 'asc' } : { limit: pageSize, order: 'asc', after };
}

/**
 * Imports an export, in one transaction: all of it, or nothing when a line is malformed, the file
 * is cut short, or an id already exists. `projectFor` names the target project (created if need
 * be), given the project named in the export's header.
 */
export async function importProject(
  store: Store,
  projectFor: (exported: string) => string,
  lines: AsyncIterable<string>,
): Promise<ExportCounts> {
  // The raw transaction, not store.transaction: the project is created in it too.
  return store.db.transaction().execute(async (trx) => {
    const tx = repositories(trx, store.dialect);
    const counts = emptyCounts();
    let projectId = '';
    let number = 0;
    let headerSeen = false;
    let footer: ExportCounts | undefined;
    let currentThread: string | undefined;
    let currentRun: string | undefined;
    for await (const text of lines) {
      number += 1;
      if (text.trim() === '') continue;
      if (footer) throw new ImportFormatError(`line ${number}: nothing may follow the footer`);
      const item = parseExportLine(text, number);
      if (!headerSeen && item.type !== 'header')
        throw new ImportFormatError(`line ${number}: expected the header first`);
      try {
        switch (item.type) {
          case 'header':
            if (headerSeen) throw new ImportFormatError(`line ${number}: a second header`);
            headerSeen = true;
            projectId = await new ApiKeys(trx).ensureProject(projectFor(item.header.project));
            break;
          case 'thread':
            await tx.threads.insert(projectId, item.thread);
            currentThread = item.thread.id;
            counts.threads += 1;
            break;
          case 'message':
            if (item.message.thread_id !== currentThread)
              throw new ImportFormatError(
                `line ${number}: message ${item.message.id} does not follow its thread ${item.message.thread_id}`,
              );
            await tx.messages.insert(projectId, item.message);
            counts.messages += 1;
            break;
          case 'assistant':
            await tx.assistants.insert(projectId, item.assistant);
            counts.assistants += 1;
            break;
          case 'run':
            if (item.run.thread_id !== currentThread)
              throw new ImportFormatError(
                `line ${number}: run ${item.run.id} does not follow its thread ${item.run.thread_id}`,
              );
            await tx.runs.insert(projectId, item.run);
            currentRun = item.run.id;
            counts.runs += 1;
            break;
          case 'run_step':
            if (item.run_step.run_id !== currentRun)
              throw new ImportFormatError(
                `line ${number}: step ${item.run_step.id} does not follow its run ${item.run_step.run_id}`,
              );
            await tx.steps.insert(projectId, item.run_step);
            counts.run_steps += 1;
            break;
          case 'footer':
            footer = item.counts;
            break;
        }
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ImportFormatError(`line ${number}: an object with this id already exists in the target database`);
        throw error;
      }
    }
    if (!headerSeen) throw new ImportFormatError('the input is empty');
    if (!footer) throw new ImportFormatError(`the input ends at line ${number} without its footer: it was cut short`);
    const found = footer;
    const mismatch = (Object.keys(counts) as Array<keyof ExportCounts>).filter((kind) => found[kind] !== counts[kind]);
    if (mismatch.length > 0) {
      throw new ImportFormatError(
        `the footer counts ${mismatch.map((kind) => `${found[kind]} ${kind}`).join(', ')}, but the file holds ${mismatch.map((kind) => counts[kind]).join(', ')}`,
      );
    }
    return counts;
  });
}
