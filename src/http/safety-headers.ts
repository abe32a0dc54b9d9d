// On every answer, including those written on the raw socket: no answer of the API may be cached
// (they hold private data) or sniffed as another type than it says.
export const safetyHeaders = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
} as const;
