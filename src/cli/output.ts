// What a command prints on stdout: the JSON object, indented on a terminal and on one line when
// piped, or JSON lines (a list's items one per line) with --format jsonl; or text as it streams.
import type { ListPage } from './api-client.js';

export const outputFormats = ['json', 'jsonl'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export class Printer {
  constructor(
    readonly format: OutputFormat,
    private readonly terminal: boolean = process.stdout.isTTY === true,
  ) {}

  object(value: unknown): void {
    const indent = this.format === 'json' && this.terminal ? 2 : undefined;
    process.stdout.write(`${JSON.stringify(value, null, indent)}\n`);
  }

  /** Text as it comes, written at once (stdout on a pipe or terminal is not buffered on Linux). */
  text(chunk: string): void {
    process.stdout.write(chunk);
  }

  /** One page, or with jsonl each item as it arrives: lists may be long. */
  async list(pages: AsyncIterable<ListPage>): Promise<void> {
    if (this.format === 'jsonl') {
      for await (const page of pages) for (const item of page.data) this.object(item);
      return;
    }
    const collected: ListPage[] = [];
    for await (const page of pages) collected.push(page);
    this.object(collected.length === 1 ? collected[0] : mergePages(collected));
  }
}

/** A list made up on this side (of API keys, say), in the API's list shape. */
export async function* onePage(data: ListPage['data']): AsyncGenerator<ListPage> {
  const ids = data.map((item) => (typeof item.id === 'string' ? item.id : null));
  yield { object: 'list', data, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null, has_more: false };
}

/** Pages read one after another, as the one list they make up. */
export function mergePages(pages: ListPage[]): ListPage {
  const data = pages.flatMap((page) => page.data);
  const last = pages.at(-1);
  return {
    object: 'list',
    data,
    first_id: pages[0]?.first_id ?? null,
    last_id: last?.last_id ?? null,
    has_more: last?.has_more ?? false,
  };
}
