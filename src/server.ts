// `spool serve`: open the store, check the configuration is safe, listen, and drain on SIGTERM.
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { ConfigError, isLoopbackHost, type ServeConfig } from './config.js';
import { nowSeconds } from './domain/clock.js';
import { Authenticator } from './http/auth.js';
import { buildApp } from './http/app.js';
import { idempotencyWindowSeconds } from './http/idempotency.js';
import { RunWorker } from './runs/run-worker.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: ServeConfig): Promise<RunningServer> {
  const logger = pino({ level: config.logLevel });
  const store = await openStore(config, (error) => logger.warn({ err: error }, 'a database connection broke; the pool replaces it'));
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
  const worker = new RunWorker(store, config.model, { exclusiveStore: store.dialect === 'sqlite', log: logger, runLifetimeSeconds: config.runExpirySeconds });
  await worker.start();
  const authenticator = new Authenticator(store.apiKeys);
  const app = buildApp({ store, worker, authenticator, bodyLimitBytes: config.bodyLimitBytes, logger });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;

  const sweep = setInterval(() => {
    store.repo.deleteStoredResponsesBefore(nowSeconds() - idempotencyWindowSeconds).catch((error: unknown) => app.log.warn({ err: error }, 'idempotency sweep failed'));
  }, 60 * 60 * 1000);
  sweep.unref();

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      clearInterval(sweep);
      await Promise.all([app.close(), worker.stop()]);
      await store.close();
    })();
    return closing;
  };
  return { app, store, url, close };
}

/** SIGTERM and SIGINT finish the requests in flight, close the database, and exit 0. */
export function exitOnSignals(server: RunningServer): void {
  const stop = (signal: string) => {
    server.app.log.info({ signal }, 'draining and shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
