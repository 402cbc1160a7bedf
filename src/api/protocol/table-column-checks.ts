import type { z } from 'zod';

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
  for (const [column, path] of columns) {
    if (column.length !== rows) {
      ctx.addIssue({
        code: 'custom',
        message: `has ${column.length} rows, ${keyName} has ${rows}`,
        path: [...path],
        input: column,
      });
    }
  }
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
