import { columnsAt, selectList } from '../db/columns';
import { EventCountryTable, EventTable } from '../generated/model';

/** The model's fields by column, from prisma/schema.prisma (src/generated/model.ts). */
export const EVENT_FIELDS = EventTable.columns;

/** Event columns (table alias `e`) under the names the Prisma model uses. */
export const EVENT_COLUMNS = selectList(EVENT_FIELDS, 'e');

/** Event columns in SQL under the alias `e`, and event_country's under `ec`, by column name: `${e.occurred_on}`. */
export const e = columnsAt(EventTable, 'e');
export const ec = columnsAt(EventCountryTable, 'ec');
