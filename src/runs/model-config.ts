// Where runs get their completions: any OpenAI-compatible Chat Completions server.
export interface ModelConfig {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), http://gpu:8000/v1 (vLLM), https://api.openai.com/v1 */
  baseURL: string;
  apiKey: string;
  /** Assistant model name -> model server name; '*' maps every name not listed. */
  modelMap: Record<string, string>;
  /** A model call fails when the server sends nothing for this long. */
  idleTimeoutMs: number;
}

export function resolveModelName(config: ModelConfig, requested: string): string {
  return config.modelMap[requested] ?? config.modelMap['*'] ?? requested;
}

