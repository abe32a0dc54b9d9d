// SQLite's WAL checkpoints, off the request path. With its default auto-checkpoint the connection
// that commits the 1000th WAL page copies the WAL into the database and fsyncs both files, and
// better-sqlite3 is synchronous, so that request (and every other, the event loop being held) waits
// for the disk: it was the write p99. Here the request connection never checkpoints; a worker thread
// with its own connection does: a PASSIVE checkpoint (which never blocks writers) every interval,
// and, when the WAL file has grown past its limit because writes never paused long enough for a
// passive one to catch up, a RESTART (or, once writes have stopped, a TRUNCATE), which holds
// writers off for the moment it takes and lets the WAL start over. Durability does not change: commits are made (and, with `full`, synced) by the request
// connection as before; a checkpoint only moves committed pages from the WAL into the database.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The default WAL limit: at Spool's top write rate on a small machine, a RESTART about every second. */
export const defaultWalLimitBytes = 64 * 1024 * 1024;

export interface CheckpointerOptions {
  /** The database file (in WAL mode). */
  file: string;
  /** The PRAGMA synchronous of the checkpoints: the request connection's, so `full` syncs them as fully. */
  synchronous: 'NORMAL' | 'FULL';
  /** The WAL file's size past which the next checkpoint makes the WAL start over (RESTART, or TRUNCATE when idle). */
  walLimitBytes: number;
  /** How often a passive checkpoint runs. */
  intervalMs: number;
  /** Told of a checkpoint that failed (the next one is tried all the same). */
  onError(message: string): void;
  /** Called if the worker ends before stop(): the request connection must then checkpoint again itself. */
  onLost(): void;
}

export interface Checkpointer {
  /** Stops the worker after its checkpoint in progress and closes its connection; resolves once it has exited (at most `timeoutMs`). */
  stop(timeoutMs: number): Promise<void>;
}

// CommonJS, run with `eval`: the same text works from dist/ and from src/ under tsx, with no build step.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = ' + workerData.synchronous);
let timer;
const walSize = () => {
  try {
    return statSync(workerData.file + '-wal').size;
  } catch {
    return 0;
  }
};
let framesBefore = -1;
const checkpoint = () => {
  try {
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
    const writing = passive.log !== framesBefore;
    framesBefore = passive.log;
    if (walSize() > workerData.walLimitBytes) {
      // While writes go on, RESTART: the next commit starts the WAL over and cuts the file back to
      // the limit, and frames keep overwriting blocks already allocated. Once they stop, TRUNCATE.
      db.pragma(writing ? 'wal_checkpoint(RESTART)' : 'wal_checkpoint(TRUNCATE)');
    }
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
  timer = setTimeout(checkpoint, workerData.intervalMs);
};
timer = setTimeout(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: {
      driver,
      file: options.file,
      synchronous: options.synchronous,
      walLimitBytes: options.walLimitBytes,
      intervalMs: options.intervalMs,
    },
  });
  // It never holds the process up on its own: the server's life is the HTTP server's.
  worker.unref();
  worker.on('message', (message: { error?: string }) => options.onError(message.error ?? 'unknown'));
  worker.on('error', (error) => options.onError(error.message));
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      if (!stopping) options.onLost();
      resolve();
    }),
  );
  return {
    async stop(timeoutMs) {
      stopping = true;
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeoutMs);
      });
      if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
      clearTimeout(timer);
    },
  };
}
