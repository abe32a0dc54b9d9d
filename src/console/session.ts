// The API key the console signed in with: kept in sessionStorage, so it lasts as long as the tab.
const storageKey = 'spool.apiKey';

export function savedKey(): string | null {
  return sessionStorage.getItem(storageKey);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(storageKey, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(storageKey);
}
