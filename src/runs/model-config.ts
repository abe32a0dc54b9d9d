// Where runs get their completions: any OpenAI-compatible Chat Completions server.
import type { ImageUrlPolicy } from './image-urls.js';

export interface ModelConfig {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), http://gpu:8000/v1 (vLLM), https://api.openai.com/v1 */
  baseURL: string;
  apiKey: string;
  /** Assistant model name -> model server name; '*' maps every name not listed. */
  modelMap: Record<string, string>;
  /** A model call fails when the server sends nothing for this long. */
  idleTimeoutMs: number;
  /** Which image URLs of the thread's messages the model server is given (see image-urls.ts). */
  imageUrls: ImageUrlPolicy;
}

export function resolveModelName(config: ModelConfig, requested: string): string {
  // Own keys only: `constructor` or `__proto__` must not find what every object inherits.
  const mapped = (name: string) => (Object.hasOwn(config.modelMap, name) ? config.modelMap[name] : undefined);
  return mapped(requested) ?? mapped('*') ?? requested;
}
