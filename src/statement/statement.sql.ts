import { columnsAt, selectList } from '../db/columns';
import { StatementTable } from '../generated/model';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const STATEMENT_FIELDS = StatementTable.columns;

/** Statement columns (table alias `s`) under the names the Prisma model uses. */
export const STATEMENT_COLUMNS = selectList(STATEMENT_FIELDS, 's');

/** Statement columns in SQL under the alias `s`, by column name: `${s.said_at}`. */
export const s = columnsAt(StatementTable, 's');
