// The server's log: JSON lines on stdout that never hold the process up. pino's default destination
// writes synchronously to fd 1, so a stdout nobody reads (a stuck log shipper) blocked every request
// and the shutdown. Here lines go through process.stdout (asynchronous on pipes and sockets) and,
// while more than a bounded amount is waiting to be written, new lines are dropped and counted.
import { writeSync } from 'node:fs';
import { type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

/** Bytes of log lines allowed to wait for a slow stdout before lines are dropped. */
const maxPendingBytes = 4 * 1024 * 1024;

export interface ServerLog {
  logger: Logger;
  /** Resolves once what is waiting has been written, or after `timeoutMs`, whichever comes first. */
  flush(timeoutMs: number): Promise<void>;
}

export function createServerLog(level: LogLevel): ServerLog {
  let dropped = 0;
  // Lines are gathered and written once per turn of the event loop rather than one write(2) each:
  // at one line per request that was a system call per request.
  let batch = '';
  let scheduled = false;
  const writeBatch = () => {
    scheduled = false;
    if (batch === '') return;
    const text = batch;
    batch = '';
    process.stdout.write(text);
  };
  const destination = {
    write(line: string): void {
      if (process.stdout.writableLength + batch.length > maxPendingBytes) {
        dropped++;
        return;
      }
      batch += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(writeBatch);
      }
    },
  };
  // A line logged just before process.exit() (e.g. 'exiting anyway') is written then, if stdout
  // takes it at once; a stdout nobody reads does not hold the exit up (the descriptor is non-blocking).
  process.once('exit', () => {
    if (batch === '') return;
    try {
      writeSync(1, batch);
    } catch {
      // stdout is full or gone: the line is lost, as a line queued for it would be.
    }
  });
  const logger = pino({ level }, destination);
  // Once stdout is read again, say how much was lost.
  process.stdout.on('drain', () => {
    if (dropped === 0) return;
    const count = dropped;
    dropped = 0;
    logger.warn({ dropped: count }, 'log lines were dropped while stdout was not being read');
  });
  const flush = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      writeBatch();
      if (process.stdout.writableLength === 0) return resolve();
      const timer = setTimeout(resolve, timeoutMs);
      process.stdout.once('drain', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { logger, flush };
}
