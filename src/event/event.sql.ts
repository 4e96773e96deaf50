import { selectList } from '../db/columns';
import { EventTable } from '../generated/model';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const EVENT_FIELDS = EventTable.columns;

/** Event columns (table alias `e`) under the names the Prisma model uses. */
export const EVENT_COLUMNS = selectList(EVENT_FIELDS, 'e');
