// A request body built from flags in the order they were typed, with OpenAI's CLI rules: a repeated
// list flag adds an item, an inner flag (`--message.role`) fills that field of the last item or
// starts a new one, and a YAML or JSON body piped on stdin is the base the flags override. A key
// may be a dotted path (`thread.messages`) into objects the flags create on the way.
import { fstatSync, readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from './cli-errors.js';
import { expandReferences, isJsonObject, type Json, type JsonObject, parseYaml } from './flag-values.js';

type Step = (body: JsonObject) => void;

/** The object holding the last name of a dotted `path` (made, or copied, on the way) and that name. */
function slot(body: JsonObject, path: string): [JsonObject, string] {
  const names = path.split('.');
  const last = names.pop() ?? path;
  let holder = body;
  for (const name of names) {
    const next = holder[name];
    const object: JsonObject = isJsonObject(next) ? { ...next } : {};
    holder[name] = object;
    holder = object;
  }
  return [holder, last];
}

export class RequestBody {
  private readonly steps: Step[] = [];

  constructor(private readonly command: Command) {}

  /** `--name <value>` sets `key` (the last one wins). */
  field(flags: string, key: string, description: string, parse: (raw: string) => Json): this {
    return this.option(flags, description, parse, (body, value) => {
      const [holder, name] = slot(body, key);
      holder[name] = value;
    });
  }

  /** `--name <value>`, repeatable: each one adds an item to the list `key` (a list adds its items). */
  item(flags: string, key: string, description: string, parse: (raw: string) => Json): this {
    return this.option(flags, description, parse, (body, value) => {
      const [holder, name] = slot(body, key);
      const list = holder[name];
      holder[name] = [...(Array.isArray(list) ? list : []), ...(Array.isArray(value) ? value : [value])];
    });
  }

  /**
   * `--outer.inner <value>`: sets `field` on the object `key`, or, when `key` is a list, on its
   * last item unless that item has the field already, in which case a new item starts.
   */
  inner(
    flags: string,
    key: string,
    field: string,
    shape: 'list' | 'object',
    description: string,
    parse: (raw: string) => Json,
  ): this {
    return this.option(flags, description, parse, (body, value) => {
      const [holder, name] = slot(body, key);
      const current = holder[name];
      if (shape === 'object') {
        holder[name] = { ...(isJsonObject(current) ? current : {}), [field]: value };
        return;
      }
      const list = Array.isArray(current) ? [...current] : [];
      const last = list.at(-1);
      if (last === null) list[list.length - 1] = { [field]: value };
      else if (isJsonObject(last) && !(field in last)) list[list.length - 1] = { ...last, [field]: value };
      else list.push({ [field]: value });
      holder[name] = list;
    });
  }

  /** The body: what was piped on stdin (if anything), with the flags applied over its top-level keys. */
  build(): JsonObject {
    const flagged: JsonObject = {};
    for (const step of this.steps) step(flagged);
    return { ...(readPipedBody() ?? {}), ...flagged };
  }

  private option(
    flags: string,
    description: string,
    parse: (raw: string) => Json,
    apply: (body: JsonObject, value: Json) => void,
  ): this {
    const option = new Option(flags, description).helpGroup('Request body:').argParser((raw: string) => {
      const value = parse(raw);
      this.steps.push((body) => apply(body, value));
      return raw;
    });
    this.command.addOption(option);
    return this;
  }
}

/**
 * The body piped on stdin, when stdin is a pipe or a file (never a terminal, and never a socket
 * left open by a parent process, which would wait forever).
 */
export function readPipedBody(): JsonObject | undefined {
  let stat: ReturnType<typeof fstatSync>;
  try {
    stat = fstatSync(0);
  } catch {
    return undefined;
  }
  if (!stat.isFIFO() && !stat.isFile()) return undefined;
  const text = readFileSync(0, 'utf8');
  if (text.trim() === '') return undefined;
  try {
    const value = parseYaml(text, 'The body piped on stdin');
    if (!isJsonObject(value)) throw new UsageError('the body piped on stdin must be a YAML or JSON object');
    const untrusted = /^(1|true|yes)$/i.test(process.env.OPENAI_UNTRUSTED_STDIN ?? '');
    return untrusted ? value : (expandReferences(value) as JsonObject);
  } catch (error) {
    throw error instanceof InvalidArgumentError ? new UsageError(error.message) : error;
  }
}
