// The part of autocannon's programmatic API the bench uses (the package ships no types).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface Request {
    method?: 'GET' | 'POST' | 'DELETE';
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Called before each request is sent; returns the request to send. */
    setupRequest?: (request: Request, context: object) => Request;
    /** Called with each response to this request. */
    onResponse?: (status: number, body: string, context: object) => void;
  }

  export interface Options {
    url: string;
    connections: number;
    /** Seconds; ignored when `amount` is set. */
    duration?: number;
    /** Total requests to send, then stop. */
    amount?: number;
    requests: Request[];
    /** Seconds before a request counts as timed out. */
    timeout?: number;
  }

  export interface Result {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  export interface Instance extends EventEmitter {
    /** Emitted once the connections are set up, before the first response. */
    on(event: 'start', listener: () => void): this;
    on(
      event: 'response',
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
  }

  export default function autocannon(options: Options, done: (error: Error | null, result: Result) => void): Instance;
}
