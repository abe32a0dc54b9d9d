// `spool serve`: open the store, check the configuration is safe, listen, and drain on SIGTERM.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { ConfigError, isLoopbackHost, type ServeConfig } from './config.js';
import { nowSeconds } from './domain/clock.js';
import { Authenticator } from './http/auth.js';
import { buildApp } from './http/app.js';
import { idempotencyWindowSeconds } from './http/idempotency.js';
import { createServerLog } from './logging.js';
import { RunWorker } from './runs/run-worker.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  /** The longest close() may take (SPOOL_DRAIN_TIMEOUT). */
  drainTimeoutMs: number;
  /** Drains: requests and runs in flight get most of the drain timeout, then what is left is ended. */
  close(): Promise<void>;
  /** Writes out pending log lines, for at most `timeoutMs`. */
  flushLog(timeoutMs: number): Promise<void>;
}

/** The part of the drain timeout kept for ending what did not finish: runs, streams, connections, the store. */
function endingReserveMs(drainTimeoutMs: number): number {
  return Math.min(2_000, drainTimeoutMs / 2);
}

export async function startServer(config: ServeConfig): Promise<RunningServer> {
  const { logger, flush: flushLog } = createServerLog(config.logLevel);
  const store = await openStore(
    config,
    (error) => logger.warn({ err: error }, 'a database connection broke; the pool replaces it'),
    (message) => logger.warn({ error: message }, 'a background WAL checkpoint failed; the next one is tried as usual'),
  );
  try {
    await store.apiKeys.syncEnvKeys(config.apiKeys);
    if (!isLoopbackHost(config.host) && !(await store.apiKeys.anyConfigured())) {
      throw new ConfigError(
        `refusing to listen on ${config.host} without API keys: anyone who can reach it could read every thread. Set SPOOL_API_KEYS or create a key with 'spool keys create', or listen on 127.0.0.1`,
      );
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  const worker = new RunWorker(store, config.model, {
    exclusiveStore: store.dialect === 'sqlite',
    log: logger,
    runLifetimeSeconds: config.runExpirySeconds,
  });
  await worker.start();
  const authenticator = new Authenticator(store.apiKeys);
  const app = buildApp({
    store,
    worker,
    authenticator,
    bodyLimitBytes: config.bodyLimitBytes,
    logger,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;

  const sweep = setInterval(
    () => {
      store.idempotency
        .deleteStoredResponsesBefore(nowSeconds() - idempotencyWindowSeconds)
        .catch((error: unknown) => app.log.warn({ err: error }, 'idempotency sweep failed'));
    },
    60 * 60 * 1000,
  );
  sweep.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweep);
      const reserveMs = endingReserveMs(config.drainTimeoutMs);
      const graceEnds = Date.now() + config.drainTimeoutMs - reserveMs;
      // New requests get a 503 from here on; this resolves once every connection has closed.
      const connectionsClosed = app.close();
      // Runs still going when the grace ends are failed, and their streams end with that event.
      await Promise.all([
        worker.stop(graceEnds - Date.now(), reserveMs / 2),
        Promise.race([connectionsClosed, sleep(Math.max(0, graceEnds - Date.now()))]),
      ]);
      // What is left (bodies still arriving, streams to clients that stopped reading) is cut off,
      // after a moment for the streams just ended to reach their clients.
      await Promise.race([connectionsClosed, sleep(reserveMs / 4)]);
      app.server.closeAllConnections();
      await connectionsClosed;
      await store.close();
    })();
    return closing;
  };
  return { app, store, url, drainTimeoutMs: config.drainTimeoutMs, close, flushLog };
}

/**
 * SIGTERM and SIGINT finish the requests in flight, close the database, and exit 0, within the drain
 * timeout whatever is pending (a database or a log reader that no longer answers included).
 */
export function exitOnSignals(server: RunningServer): void {
  const stop = (signal: string) => {
    const deadline = Date.now() + server.drainTimeoutMs;
    setTimeout(() => {
      server.app.log.error({ signal }, 'the shutdown did not finish within the drain timeout; exiting anyway');
      process.exit(1);
    }, server.drainTimeoutMs).unref();
    server.app.log.info({ signal }, 'draining and shutting down');
    server.close().then(
      async () => {
        // A log reader that has stopped reading gets a moment, not the rest of the deadline.
        await server.flushLog(Math.min(1_000, deadline - Date.now() - 100));
        process.exit(0);
      },
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
