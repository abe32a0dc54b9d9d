// Kysely builds and compiles a query on every call, which costs more than SQLite takes to run the
// simple ones. For the queries on every request's path the SQL never changes, only the values: a
// precompiled query is built once per dialect, with placeholder arguments, and then run with real ones.
import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { DialectName } from './dialect.js';
import { withoutNul } from './postgres-text.js';
import type { Database } from './schema.js';

// A private-use character: no request value starts with it, and PostgresTextPlugin leaves it alone.
const placeholderPrefix = '\uE000spool-argument-';

interface Plan {
  sql: string;
  /** For each parameter of the SQL: which argument fills it, or the constant the query holds. */
  slots: Array<{ argument: number } | { constant: unknown }>;
}

/**
 * Wraps a query builder. `build` must pass each argument straight to Kysely as a value (a
 * placeholder stands in for it while the query is compiled), and its SQL must not depend on the
 * arguments' values (no `in` lists of varying length).
 */
export function precompiled<Args extends unknown[], Row>(
  build: (db: Kysely<Database>, dialect: DialectName, ...args: Args) => Compilable<Row>,
) {
  const plans = new Map<DialectName, Plan>();
  const arity = build.length - 2;
  return async (db: Kysely<Database>, dialect: DialectName, ...args: Args): Promise<QueryResult<Row>> => {
    let plan = plans.get(dialect);
    if (!plan) {
      const placeholders = Array.from({ length: arity }, (_, index) => `${placeholderPrefix}${index}`) as Args;
      const compiled = build(db, dialect, ...placeholders).compile();
      plan = {
        sql: compiled.sql,
        slots: compiled.parameters.map((parameter) =>
          typeof parameter === 'string' && parameter.startsWith(placeholderPrefix)
            ? { argument: Number(parameter.slice(placeholderPrefix.length)) }
            : { constant: parameter },
        ),
      };
      plans.set(dialect, plan);
    }
    const parameters = plan.slots.map((slot) => ('argument' in slot ? args[slot.argument] : slot.constant));
    // A compiled query skips Kysely's plugins, PostgresTextPlugin among them: do its work here.
    if (dialect === 'postgres')
      for (const [index, value] of parameters.entries()) parameters[index] = withoutNul(value);
    return db.executeQuery(CompiledQuery.raw(plan.sql, parameters)) as Promise<QueryResult<Row>>;
  };
}
