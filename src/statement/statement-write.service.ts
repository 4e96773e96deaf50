import { BadUserInputError } from '../common/errors';
import { FeedKind } from '../common/enums';
import { parseInput } from '../common/validation';
import type { CountryCatalog } from '../country/country.catalog';
import type { FeedPublisher } from '../feed/feed.publisher';
import { commitWithFeed } from '../feed/feed.commit';
import type { NewFeedEntry } from '../feed/feed.writer';
import type { FeedEntry, Prisma, PrismaClient, Statement } from '../generated/prisma/client';
import { ensureSources } from '../source/source.writer';
import { addStatementInput, type AddStatementInputValue } from './add-statement.input';

type Tx = Prisma.TransactionClient;

export class StatementWriteService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly catalog: CountryCatalog,
    private readonly publisher: FeedPublisher,
  ) {}

  parse(raw: unknown, root = 'input'): AddStatementInputValue {
    const input = parseInput(addStatementInput, raw, root);
    if (input.countryCode) this.catalog.assertKnown(input.countryCode, `${root}.countryCode`);
    return input;
  }

  async add(raw: unknown): Promise<{ statement: Statement; entry: FeedEntry }> {
    const input = this.parse(raw);
    return commitWithFeed(this.prisma, this.publisher, async (tx) => {
      const statement = await this.addIn(tx, input);
      return { result: { statement }, feed: statementFeedEntry(statement) };
    });
  }

  async addIn(tx: Tx, input: AddStatementInputValue, root = 'input'): Promise<Statement> {
    if (input.replyToId && !(await tx.statement.findUnique({ where: { id: input.replyToId }, select: { id: true } }))) {
      throw new BadUserInputError(`${root}.replyToId`, `no statement has id ${input.replyToId}`);
    }
    if (input.relatedPolicyIds.length > 0) {
      const found = await tx.policy.findMany({ where: { id: { in: input.relatedPolicyIds } }, select: { id: true } });
      const known = new Set(found.map((p) => p.id));
      const index = input.relatedPolicyIds.findIndex((id) => !known.has(id));
      if (index >= 0) throw new BadUserInputError(`${root}.relatedPolicyIds.${index}`, `no policy has id ${input.relatedPolicyIds[index]}`);
    }
    const sourceIds = await ensureSources(tx, input.sources);
    return tx.statement.create({
      data: {
        speaker: input.speaker,
        speakerRole: input.speakerRole,
        countryCode: input.countryCode,
        saidAt: input.saidAt,
        saidAtPrecision: input.saidAtPrecision,
        text: input.text,
        language: input.language,
        medium: input.medium,
        replyToId: input.replyToId,
        verification: input.verification,
        sources: { createMany: { data: sourceIds.map((sourceId, position) => ({ sourceId, position })) } },
        policies: { createMany: { data: input.relatedPolicyIds.map((policyId) => ({ policyId })) } },
      },
    });
  }
}

/** The feed entry of a new statement, the same for an editor's write and an import. */
export function statementFeedEntry(statement: Pick<Statement, 'id' | 'countryCode'>): NewFeedEntry {
  return { kind: FeedKind.STATEMENT, countryCodes: statement.countryCode ? [statement.countryCode] : [], statementId: statement.id };
}
