import { FeedKind } from '../common/enums';
import { parseInput } from '../common/validation';
import type { CountryCatalog } from '../country/country.catalog';
import { pickPrefixed } from '../db/columns';
import { refusalOf } from '../db/refusals';
import type { Sql } from '../db/sql';
import { writeOne } from '../db/sql-write';
import type { FeedPublisher } from '../feed/feed.publisher';
import type { NewFeedEntry } from '../feed/feed.writer';
import { FeedEntryTable, StatementTable, type FeedEntryRow, type StatementRow } from '../generated/model';
import type { Prisma } from '../generated/prisma/client';
import { addStatementInput, type AddStatementInputValue } from './add-statement.input';
import { ADD_STATEMENT, insertStatement } from './statement-write.sql';

type Tx = Prisma.TransactionClient;

export class StatementWriteService {
  constructor(
    private readonly sql: Sql,
    private readonly catalog: CountryCatalog,
    private readonly publisher: FeedPublisher,
  ) {}

  parse(raw: unknown, root = 'input'): AddStatementInputValue {
    const input = parseInput(addStatementInput, raw, root);
    if (input.countryCode) this.catalog.assertKnown(input.countryCode, `${root}.countryCode`);
    return input;
  }

  /**
   * Validates, then records the statement, its sources and related policies and its feed entry in one
   * round trip (bw_add_statement: the reply and the related policies must exist), then publishes it.
   */
  async add(raw: unknown): Promise<{ statement: StatementRow; entry: FeedEntryRow }> {
    const input = this.parse(raw);
    const row = await writeOne<Record<string, unknown>>(this.sql, ADD_STATEMENT, [JSON.stringify(input)], 'input');
    const added = {
      statement: pickPrefixed<StatementRow>(row, StatementTable.columns, 'statement.')!,
      entry: pickPrefixed<FeedEntryRow>(row, FeedEntryTable.columns, 'entry.', 'seq')!,
    };
    this.publisher.committed([added.entry]);
    return added;
  }

  /** The statement alone, inside a caller's transaction that appends the feed entry itself (the same rules, bw_insert_statement). */
  async addIn(tx: Tx, input: AddStatementInputValue, root = 'input'): Promise<StatementRow> {
    try {
      return await insertStatement(tx, JSON.stringify(input));
    } catch (error) {
      throw refusalOf(error, root) ?? error;
    }
  }
}

/** The feed entry of a new statement made by the importer (bw_add_statement writes the API's). */
export function statementFeedEntry(statement: Pick<StatementRow, 'id' | 'countryCode'>): NewFeedEntry {
  return { kind: FeedKind.STATEMENT, countryCodes: statement.countryCode ? [statement.countryCode] : [], statementId: statement.id };
}
