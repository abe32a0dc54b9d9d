// Who is calling: `Authorization: Bearer <key>` -> the key's project. With no key configured
// anywhere, Spool runs open (loopback only, enforced at start-up) and every caller is the default project.
import { incorrectApiKey, missingApiKey } from '../domain/errors.js';
import { type ApiKeys, defaultProjectId } from '../store/api-keys.js';
import { KeyThrottle } from './key-throttle.js';

interface Cached<T> {
  value: T;
  expiresAt: number;
}

/** How long a key lookup is trusted: a revoked key stops working within this time on every replica. */
const keyCacheMs = 5_000;
const keyCacheSize = 10_000;

function bearerKey(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? '')?.[1]?.trim();
}

export class Authenticator {
  private readonly owners = new Map<string, Cached<string>>();
  private keysConfigured: Cached<boolean> | undefined;

  constructor(
    private readonly apiKeys: ApiKeys,
    private readonly throttle: KeyThrottle = new KeyThrottle(),
  ) {}

  /** Whether callers must present a key: true as soon as any key is configured. */
  async required(): Promise<boolean> {
    const now = Date.now();
    if (this.keysConfigured && this.keysConfigured.expiresAt > now) return this.keysConfigured.value;
    const value = await this.apiKeys.anyConfigured();
    this.keysConfigured = { value, expiresAt: now + 1_000 };
    return value;
  }

  /** The project for this header when it is known without a lookup (cached); otherwise undefined. */
  knownProjectFor(authorization: string | undefined): string | undefined {
    const now = Date.now();
    if (!this.keysConfigured || this.keysConfigured.expiresAt <= now) return undefined;
    if (!this.keysConfigured.value) return defaultProjectId;
    const cached = this.owners.get(bearerKey(authorization) ?? '');
    return cached && cached.expiresAt > now ? cached.value : undefined;
  }

  /**
   * The project the request acts for; throws OpenAI's 401 for a missing or unknown key, the latter
   * after a wait that grows with the wrong keys from `clientAddress` (all callers share one count
   * when it is not given).
   */
  async projectFor(authorization: string | undefined, clientAddress: string): Promise<string> {
    const key = bearerKey(authorization);
    if (!(await this.required())) return defaultProjectId;
    if (!key) throw missingApiKey();
    const now = Date.now();
    const cached = this.owners.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const owner = await this.apiKeys.findOwner(key);
    if (!owner) {
      await this.throttle.wrongKey(clientAddress);
      throw incorrectApiKey(key);
    }
    if (this.owners.size >= keyCacheSize) this.owners.clear();
    this.owners.set(key, { value: owner.projectId, expiresAt: now + keyCacheMs });
    return owner.projectId;
  }

  /** Whether the last look found no key configured: the server runs open (on loopback only). */
  get open(): boolean {
    return this.keysConfigured?.value === false;
  }
}
