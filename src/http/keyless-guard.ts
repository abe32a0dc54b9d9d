// A server without API keys trusts whoever can reach its loopback address. A web page the operator
// visits can reach it too: through DNS rebinding (its own name resolving to 127.0.0.1, so the
// browser sends `Host: evil.example`) or with a cross-site "simple" POST. So a keyless server
// answers /v1 only for requests addressed to a loopback name and not sent by another site's page,
// and takes no body in a form a page may send without asking (a CORS "simple" content type).
import type { FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../config.js';
import { ApiError } from '../domain/errors.js';
import { hasBody } from './lingering-close.js';

/** The host part of a Host header or an origin's authority: `[::1]:8080` -> `::1`, `localhost:80` -> `localhost`. */
function hostnameOf(authority: string): string {
  const bracketed = /^\[([^\]]*)\]/.exec(authority);
  if (bracketed) return bracketed[1] ?? '';
  return authority.replace(/:\d*$/, '').toLowerCase();
}

function originHostname(origin: string): string | undefined {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** The body types a browser sends cross-site without a preflight. */
const simpleContentTypes = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];

function forbidden(message: string, code: string): ApiError {
  return new ApiError(403, message, { code });
}

// This runs on every request of a keyless server, and parsing the Host header each time cost more
// than a microsecond: the last Host header found to be loopback is remembered (clients send the same one).
let lastLoopbackHost: string | undefined;

function isLoopbackAuthority(host: string): boolean {
  if (host === lastLoopbackHost) return true;
  if (!isLoopbackHost(hostnameOf(host))) return false;
  lastLoopbackHost = host;
  return true;
}

/** Throws a 403 for a request to a keyless server that a browser could have been made to send. */
export function checkKeylessRequest(request: FastifyRequest): void {
  const host = request.headers.host;
  if (host !== undefined && !isLoopbackAuthority(host)) {
    throw forbidden(
      'This Spool server has no API keys, so it only answers requests addressed to a loopback host (localhost, 127.0.0.1 or [::1]). Create an API key to serve other host names.',
      'host_not_allowed',
    );
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const hostname = originHostname(origin);
    if (hostname === undefined || !isLoopbackHost(hostname)) {
      throw forbidden(
        'This Spool server has no API keys, so it does not answer requests sent by web pages of other sites.',
        'origin_not_allowed',
      );
    }
  }
  const rawContentType = request.headers['content-type'];
  if (rawContentType === undefined || rawContentType === 'application/json') return;
  const contentType = rawContentType.split(';')[0]?.trim().toLowerCase();
  if (contentType !== undefined && simpleContentTypes.includes(contentType) && hasBody(request.headers)) {
    throw new ApiError(
      415,
      `This Spool server has no API keys, so it takes request bodies only as JSON: send the header 'Content-Type: application/json' (got '${contentType}').`,
      { code: 'unsupported_content_type' },
    );
  }
}
