// Unix seconds for `created_at` and friends, never going backwards within a process, so that an NTP
// step back cannot make a newer object look older than one created just before it.
let lastIssued = 0;

export function nowSeconds(): number {
  const now = Math.floor(Date.now() / 1000);
  lastIssued = Math.max(lastIssued, now);
  return lastIssued;
}
