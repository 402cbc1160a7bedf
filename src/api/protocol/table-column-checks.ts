import type { z } from 'zod';
// Type only (erased at run time): the table modules load this one.
import type { AgentTable } from './stats-snapshot-table.js';

/** A column of a table form and where it is in the document (its issue path). */
export type TableColumn = readonly [column: readonly unknown[], path: readonly (string | number)[]];

/**
 * Refuses every column whose row count is not `rows`, the length of the table's key column (`keyName`): the rule
 * the table forms' OpenAPI schemas cannot state.
 */
export function refuseRowCountMismatches(
  ctx: z.RefinementCtx,
  rows: number,
  keyName: string,
  columns: readonly TableColumn[],
): void {
  for (const { column, path, message } of rowCountMismatches(rows, keyName, columns)) {
    ctx.addIssue({ code: 'custom', message, path: [...path], input: column });
  }
}

/** The columns whose row count is not `rows` (that of `keyName`), each with its path and why. */
export function rowCountMismatches(
  rows: number,
  keyName: string,
  columns: readonly TableColumn[],
): { column: readonly unknown[]; path: readonly (string | number)[]; message: string }[] {
  return columns
    .filter(([column]) => column.length !== rows)
    .map(([column, path]) => ({
      column,
      path,
      message: `has ${column.length} rows, ${keyName} has ${rows}`,
    }));
}

/** Refuses the first index of `column` (at `path`) that points past the `size` entries of the list `listName`. */
export function refuseIndexOutOfRange(
  ctx: z.RefinementCtx,
  column: readonly unknown[],
  size: number,
  path: string,
  listName: string,
): void {
  const row = column.findIndex((index) => (index as number) >= size);
  if (row >= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `index ${String(column[row])} is outside the ${size} entries of ${listName}`,
      path: [path, row],
      input: column[row],
    });
  }
}

/** Every media column of an agent table (state, capacity and load per media), each with its path below `path`. */
export function agentMediaColumns(
  media: AgentTable['media'],
  path: readonly (string | number)[],
): TableColumn[] {
  const columns: TableColumn[] = [];
  for (const name of Object.keys(media)) {
    const byField = media[name]!;
    for (const field of ['state', 'capacity', 'load'] as const) {
      columns.push([byField[field], [...path, name, field]]);
    }
  }
  return columns;
}
