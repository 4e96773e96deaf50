import { columnsAt, selectList } from '../db/columns';
import { FeedEntryTable } from '../generated/model';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const FEED_FIELDS = FeedEntryTable.columns;

/** Feed entry columns (table alias `f`) under the names the Prisma model uses. */
export const FEED_COLUMNS = selectList(FEED_FIELDS, 'f');

/** Feed entry columns in SQL under the alias `f`, by column name: `${f.country_codes}`. */
export const f = columnsAt(FeedEntryTable, 'f');
