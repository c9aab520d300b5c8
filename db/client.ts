import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as apiSchema from './api-schema.js';
import * as coreSchema from './schema.js';

const schema = { ...coreSchema, ...apiSchema };

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseHandle {
  db: Database;
  sql: postgres.Sql;
  close(): Promise<void>;
}

export function connectDatabase(url: string, options: { max?: number } = {}): DatabaseHandle {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  return { db: drizzle(preparingStatements(sql, sql.options.prepare), { schema }), sql, close: () => sql.end({ timeout: 5 }) };
}

type QueryRunner = postgres.Sql | postgres.TransactionSql;

/**
 * drizzle-orm's postgres.js driver runs every query through `sql.unsafe(text, params, { prepare: false })`
 * unless it was built with `.prepare(name)` (drizzle-team/drizzle-orm#6096, fix proposed in #6098). postgres.js
 * then describes each parameterised statement before running it: Parse/Describe, wait, Bind/Execute — two
 * round trips per query, and PostgreSQL parses and plans the text every time. Every send and every mirror write
 * paid that. This hands drizzle the same client, preparing as the client is configured to (postgres.js's
 * default: yes), as the upstream fix does. postgres.js keeps prepared statements per connection by text, so from
 * the second use on a query is one round trip. Statements without parameters (BEGIN, COMMIT, migrations) keep
 * the simple protocol, as postgres.js decides by itself.
 *
 * `?prepare=false` on DATABASE_URL (read by postgres.js) turns it off, for transaction-mode poolers that cannot
 * keep named statements. The cache has no eviction, which is fine here: drizzle's texts are a bounded set (list
 * filters and batch inserts vary only by length), and postgres.js replaces each connection after its
 * max_lifetime (30–60 minutes).
 */
function preparingStatements<T extends QueryRunner>(sql: T, prepare: boolean): T {
  return new Proxy(sql, {
    get(target, property, receiver) {
      switch (property) {
        case 'unsafe':
          return (text: string, params?: postgres.ParameterOrJSON<never>[], queryOptions?: postgres.UnsafeQueryOptions) =>
            target.unsafe(text, params, { ...queryOptions, prepare });
        case 'begin':
        case 'savepoint':
          // Transactions and savepoints hand their callback a client of their own: it prepares too.
          return (...args: unknown[]) => {
            const callback = args.pop() as (runner: QueryRunner) => unknown;
            const begin = Reflect.get(target, property, receiver) as (...beginArgs: unknown[]) => unknown;
            return begin.call(target, ...args, (runner: QueryRunner) => callback(preparingStatements(runner, prepare)));
          };
        default:
          return Reflect.get(target, property, receiver);
      }
    },
  });
}
