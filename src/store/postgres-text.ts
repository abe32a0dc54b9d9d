// PostgreSQL's text cannot hold the NUL character, which JSON strings (and so the API) allow.
// Objects are stored as JSON text, where JSON.stringify writes NUL as the six characters \u0000;
// what reaches a text column raw (a metadata pair in the filter index, an id or cursor to look up)
// has each NUL replaced by U+FFFD here, on the way in, so that the query runs instead of failing.
// Lookups still find what they should: an id never holds either character, and a filter's value
// is replaced the same way as the stored one (a value holding U+FFFD itself would match it too).
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type PrimitiveValueListNode,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
} from 'kysely';

export function withoutNul(value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

class NulReplacer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    return { ...super.transformValue(node), value: withoutNul(node.value) };
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    return { ...super.transformPrimitiveValueList(node), values: node.values.map(withoutNul) };
  }
}

export class PostgresTextPlugin implements KyselyPlugin {
  private readonly replacer = new NulReplacer();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.replacer.transformNode(args.node);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
