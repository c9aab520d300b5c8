/**
 * Statements on the hot path (every send, every mirror write): built by drizzle once, run many times on whichever
 * connection the caller holds, the pool or a transaction's.
 *
 * drizzle builds a query's text from its builders on every call. On the send path that was about 1 ms of CPU
 * and 700 KB of short-lived garbage per message (BENCHMARKS.md, "Round 4"). drizzle's own answer, a prepared
 * query (`sql.placeholder` + `.prepare(name)`), is bound to the client it was built on; the send's statements
 * run inside a transaction that is new on every call. So this keeps everything drizzle does (the builders,
 * placeholders, column encoders, row mapping) and only binds the built query late: `session.prepareQuery` of the
 * runner at hand, which is how drizzle's `.prepare()` itself starts.
 *
 * Values are passed by placeholder name. Values bound to a column in an insert or update go through the
 * column's encoder, as in any drizzle query; placeholders compared in a `where` reach the driver as given, so
 * pass instants there as ISO strings.
 */
import type { Query, SQL } from 'drizzle-orm';
import { PgDialect, type PgColumn, type SelectedFieldsOrdered } from 'drizzle-orm/pg-core';
import type { Database } from './client.js';

/** The pool or a transaction: both build queries and carry the session that runs them. */
export type Runner = Pick<Database, 'select' | 'insert' | 'update' | '_'>;

export interface PreparedStatement<Values extends Record<string, unknown>, Result> {
  run(runner: Runner, values: Values): Promise<Result>;
}

/**
 * A query built with drizzle's builders. For a select, or a write with `.returning()`, `selection` is the object
 * given to `select(…)` or `returning(…)` (a table's columns for `select()`), so that each row maps back to its
 * fields, and `Row` is what a row maps to; a write without `.returning()` resolves to no rows.
 */
export function preparedQuery<Values extends Record<string, unknown>, Row = never>(
  build: (db: Runner) => { toSQL(): Query },
  // Keyed as the row is: a selection that does not match the declared row does not compile.
  selection?: { [K in keyof Row]: PgColumn },
): PreparedStatement<Values, Row[]> {
  let query: Query | undefined;
  // drizzle orders a flat selection by its keys; the select list it builds follows the same order.
  const fields: SelectedFieldsOrdered | undefined = selection && Object.entries<PgColumn>(selection).map(([key, field]) => ({ path: [key], field }));
  return {
    run(runner, values) {
      query ??= build(runner).toSQL();
      return runner._.session.prepareQuery(query, fields, 'prepared', fields !== undefined).execute(values) as Promise<Row[]>;
    },
  };
}

const dialect = new PgDialect();

/** A statement written with drizzle's `sql` template (builders may be embedded with `.getSQL()`); rows come back as the driver returns them. */
export function preparedSql<Values extends Record<string, unknown>, Row>(build: (db: Runner) => SQL): PreparedStatement<Values, Row[]> {
  let query: Query | undefined;
  return {
    run(runner, values) {
      query ??= dialect.sqlToQuery(build(runner));
      return runner._.session.prepareQuery(query, undefined, 'prepared', false).execute(values) as Promise<Row[]>;
    },
  };
}
