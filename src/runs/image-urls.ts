// Which image URLs of a thread's messages are sent on to the model server. The model server fetches
// them itself, from where it runs: a client must not get it to fetch its own files or the hosts on
// its private network (file:, 127.0.0.1, 169.254.169.254 ...). 'any' trusts every client.
import { BlockList, isIP } from 'node:net';

export type ImageUrlPolicy = 'public' | 'any';

export const imageUrlPolicies: readonly ImageUrlPolicy[] = ['public', 'any'];

/** What the model reads instead of an image it was not sent. */
export const withheldImageNote =
  '[An image was attached here, but its URL is not a public web address, so it was not sent to the model.]';

// Loopback, private, link-local, unspecified, shared (carrier-grade NAT) and multicast ranges.
const nonPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  nonPublic.addSubnet(network, prefix, 'ipv6');
}

function isPublicHost(hostname: string): boolean {
  const host = hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (host === '' || host === 'localhost' || host.endsWith('.localhost')) return false;
  const family = isIP(host);
  if (family === 0) return true;
  // BlockList checks an IPv4-mapped IPv6 address (::ffff:7f00:1) against the IPv4 ranges too.
  return !nonPublic.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether the model server may be given this URL to fetch. */
export function mayForwardImageUrl(url: string, policy: ImageUrlPolicy): boolean {
  if (policy === 'any') return true;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:') return true;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && isPublicHost(parsed.hostname);
}
