// Flags and environment -> one typed Config for `spool serve`, validated once at start-up (flags win).
import { join } from 'node:path';
import { type ImageUrlPolicy, imageUrlPolicies } from './runs/image-urls.js';
import type { ModelConfig } from './runs/model-config.js';
import { minimumApiKeyLength } from './store/api-keys.js';
import type { StoreSettings } from './store/open.js';
import { defaultWalLimitBytes } from './store/wal-checkpointer.js';

export interface ServeConfig extends StoreSettings {
  host: string;
  port: number;
  dataDir: string;
  apiKeys: string[];
  bodyLimitBytes: number;
  logLevel: LogLevel;
  /** Where runs get completions; undefined when no model server is configured. */
  model: ModelConfig | undefined;
  /** A run not finished this long after its creation expires (OpenAI: 600). */
  runExpirySeconds: number;
  /** Connection lifetimes: the longest a request may take to arrive, and a shutdown to finish. */
  requestTimeoutMs: number;
  drainTimeoutMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** A bad flag or variable: the CLI prints its message on one line and exits with code 2. */
export class ConfigError extends Error {}

export interface ServeFlags {
  host?: string | undefined;
  port?: string | undefined;
  dataDir?: string | undefined;
  durability?: string | undefined;
  sqliteWalLimit?: string | undefined;
  databaseUrl?: string | undefined;
  databasePoolSize?: string | undefined;
  databaseStatementTimeout?: string | undefined;
  bodyLimit?: string | undefined;
  logLevel?: string | undefined;
  modelBaseUrl?: string | undefined;
  modelApiKey?: string | undefined;
  modelMap?: string | undefined;
  requestTimeout?: string | undefined;
  drainTimeout?: string | undefined;
}

type Environment = Record<string, string | undefined>;

function pick(
  flag: string | undefined,
  env: Environment,
  variable: string,
): { value: string; source: string } | undefined {
  if (flag !== undefined)
    return {
      value: flag,
      source: `--${variable
        .replace(/^SPOOL_/, '')
        .toLowerCase()
        .replaceAll('_', '-')}`,
    };
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: variable };
  return undefined;
}

function parsePort(raw: { value: string; source: string } | undefined): number {
  if (!raw) return 8080;
  if (!/^\d{1,5}$/.test(raw.value) || Number(raw.value) > 65535) {
    throw new ConfigError(`${raw.source} must be a port number from 0 to 65535, got '${raw.value}'`);
  }
  return Number(raw.value);
}

function parsePositiveInteger(raw: { value: string; source: string } | undefined, fallback: number): number {
  if (!raw) return fallback;
  if (!/^\d{1,9}$/.test(raw.value) || Number(raw.value) === 0)
    throw new ConfigError(`${raw.source} must be a positive integer, got '${raw.value}'`);
  return Number(raw.value);
}

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

export function parseByteSize(raw: { value: string; source: string } | undefined, fallback: number): number {
  if (!raw) return fallback;
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.value.trim());
  const unit = match ? sizeUnits[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined || Number(match[1]) === 0) {
    throw new ConfigError(`${raw.source} must be a size such as 1048576, 512kb or 8mb, got '${raw.value}'`);
  }
  return Number(match[1]) * unit;
}

function parseChoice<T extends string>(
  raw: { value: string; source: string } | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (!raw) return fallback;
  const value = raw.value.toLowerCase();
  if (!(choices as readonly string[]).includes(value))
    throw new ConfigError(`${raw.source} must be one of ${choices.join(', ')}, got '${raw.value}'`);
  return value as T;
}

export function parseApiKeys(raw: string | undefined): string[] {
  if (!raw) return [];
  const keys = raw
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  for (const key of keys) {
    if (/\s/.test(key))
      throw new ConfigError('SPOOL_API_KEYS must be a comma-separated list of keys without spaces inside a key');
    // The key is not echoed: its length is enough to find it.
    if (key.length < minimumApiKeyLength)
      throw new ConfigError(
        `SPOOL_API_KEYS: every key must be at least ${minimumApiKeyLength} characters long, got one of ${key.length}`,
      );
  }
  return [...new Set(keys)];
}

function parseDatabaseUrl(raw: { value: string; source: string } | undefined): string | undefined {
  if (!raw) return undefined;
  // The URL may hold a password: it is never echoed back.
  if (!/^postgres(ql)?:\/\/./i.test(raw.value.trim()))
    throw new ConfigError(`${raw.source} must be a postgres:// or postgresql:// URL`);
  return raw.value.trim();
}

function parsePoolSize(raw: { value: string; source: string } | undefined): number {
  if (!raw) return 10;
  if (!/^\d{1,4}$/.test(raw.value.trim()) || Number(raw.value) < 1 || Number(raw.value) > 1000) {
    throw new ConfigError(`${raw.source} must be a number of connections from 1 to 1000, got '${raw.value}'`);
  }
  return Number(raw.value);
}

const durationUnits: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000 };

/** A duration in milliseconds: 30000, 30000ms, 30s or 1m; 0 means none. */
export function parseDurationMs(raw: { value: string; source: string } | undefined, fallback: number): number {
  if (!raw) return fallback;
  const match = /^(\d+)\s*([a-z]*)$/i.exec(raw.value.trim());
  const unit = match ? durationUnits[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || unit === undefined)
    throw new ConfigError(`${raw.source} must be a duration such as 30000 (ms), 30s or 1m, got '${raw.value}'`);
  return Number(match[1]) * unit;
}

export const defaultBodyLimitBytes = 8 * 1024 * 1024;

/** A duration that must not be 0 (0 would mean no bound at all). */
function parseBoundMs(raw: { value: string; source: string } | undefined, fallback: number): number {
  const ms = parseDurationMs(raw, fallback);
  if (ms === 0) throw new ConfigError(`${raw?.source} must be a duration above 0, such as 30s`);
  return ms;
}

export function resolveServeConfig(flags: ServeFlags, env: Environment): ServeConfig {
  const host = pick(flags.host, env, 'SPOOL_HOST')?.value ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('--host must not be empty');
  const dataDir = pick(flags.dataDir, env, 'SPOOL_DATA_DIR')?.value ?? './data';
  return {
    host,
    port: parsePort(pick(flags.port, env, 'SPOOL_PORT')),
    dataDir,
    sqliteFile: join(dataDir, 'spool.db'),
    apiKeys: parseApiKeys(env.SPOOL_API_KEYS),
    durability: parseChoice(pick(flags.durability, env, 'SPOOL_DURABILITY'), ['normal', 'full'] as const, 'normal'),
    sqliteWalLimitBytes: parseByteSize(pick(flags.sqliteWalLimit, env, 'SPOOL_SQLITE_WAL_LIMIT'), defaultWalLimitBytes),
    databaseUrl: parseDatabaseUrl(pick(flags.databaseUrl, env, 'SPOOL_DATABASE_URL')),
    databasePoolSize: parsePoolSize(pick(flags.databasePoolSize, env, 'SPOOL_DATABASE_POOL_SIZE')),
    statementTimeoutMs: parseDurationMs(
      pick(flags.databaseStatementTimeout, env, 'SPOOL_DATABASE_STATEMENT_TIMEOUT'),
      10_000,
    ),
    bodyLimitBytes: parseByteSize(pick(flags.bodyLimit, env, 'SPOOL_BODY_LIMIT'), defaultBodyLimitBytes),
    logLevel: parseChoice(pick(flags.logLevel, env, 'SPOOL_LOG_LEVEL'), logLevels, 'info'),
    model: resolveModelConfig(flags, env),
    runExpirySeconds: parsePositiveInteger(pick(undefined, env, 'SPOOL_RUN_EXPIRY_SECONDS'), 600),
    requestTimeoutMs: parseBoundMs(pick(flags.requestTimeout, env, 'SPOOL_REQUEST_TIMEOUT'), 30_000),
    drainTimeoutMs: parseBoundMs(pick(flags.drainTimeout, env, 'SPOOL_DRAIN_TIMEOUT'), 10_000),
  };
}

/** Loopback addresses: the only ones Spool will listen on without API keys. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare) || bare === '::ffff:127.0.0.1';
}

/**
 * `gpt-4o=llama3.1:8b,*=qwen2.5` or a JSON object. The map has no prototype, so that a model
 * named `constructor` or `__proto__` is just a name.
 */
export function parseModelMap(raw: string | undefined, source: string): Record<string, string> {
  const map: Record<string, string> = Object.create(null);
  if (!raw || raw.trim() === '') return map;
  if (raw.trim().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(`${source} is not valid JSON`);
    }
    if (
      !parsed ||
      typeof parsed !== 'object' ||
      Array.isArray(parsed) ||
      Object.values(parsed).some((value) => typeof value !== 'string')
    ) {
      throw new ConfigError(`${source} must map model names to model names`);
    }
    for (const [from, to] of Object.entries(parsed)) map[from] = to as string;
    return map;
  }
  const entries = raw.split(',').map((pair) => pair.split('=').map((part) => part.trim()));
  if (entries.some((entry) => entry.length !== 2 || !entry[0] || !entry[1])) {
    throw new ConfigError(`${source} must look like 'gpt-4o=llama3.1:8b,*=qwen2.5'`);
  }
  for (const [from, to] of entries as Array<[string, string]>) map[from] = to;
  return map;
}

export function resolveModelConfig(
  flags: { modelBaseUrl?: string | undefined; modelApiKey?: string | undefined; modelMap?: string | undefined },
  env: Record<string, string | undefined>,
): ModelConfig | undefined {
  const baseURL = flags.modelBaseUrl ?? env.SPOOL_MODEL_BASE_URL;
  if (!baseURL) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(baseURL);
  } catch {
    throw new ConfigError(
      `${flags.modelBaseUrl ? '--model-base-url' : 'SPOOL_MODEL_BASE_URL'} must be a URL such as http://127.0.0.1:11434/v1, got '${baseURL}'`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ConfigError(`the model base URL must be http or https, got '${baseURL}'`);
  const timeout = env.SPOOL_MODEL_TIMEOUT_MS;
  const idleTimeoutMs = timeout ? Number(timeout) : 60_000;
  if (!Number.isInteger(idleTimeoutMs) || idleTimeoutMs <= 0)
    throw new ConfigError(`SPOOL_MODEL_TIMEOUT_MS must be a positive integer, got '${timeout}'`);
  const imageUrls = env.SPOOL_MODEL_IMAGE_URLS ?? 'public';
  if (!imageUrlPolicies.includes(imageUrls as ImageUrlPolicy))
    throw new ConfigError(`SPOOL_MODEL_IMAGE_URLS must be one of ${imageUrlPolicies.join(', ')}, got '${imageUrls}'`);
  return {
    baseURL: baseURL.replace(/\/+$/, ''),
    apiKey: flags.modelApiKey ?? env.SPOOL_MODEL_API_KEY ?? 'spool',
    modelMap: parseModelMap(flags.modelMap ?? env.SPOOL_MODEL_MAP, flags.modelMap ? '--model-map' : 'SPOOL_MODEL_MAP'),
    idleTimeoutMs,
    imageUrls: imageUrls as ImageUrlPolicy,
  };
}
