/**
 * The naive baseline: the same schema as Borderwatch's (for the benchmark documents), written
 * the way most tutorials write a Type-GraphQL + Prisma server: Apollo Server on express, one
 * resolver per field, each calling Prisma for its own parent, no DataLoader, no batching.
 * Relations are read with findFirst / findMany per parent (not findUnique, which Prisma would
 * merge within a tick and so hide the N+1 this baseline exists to show).
 */
import 'reflect-metadata';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { PrismaPg } from '@prisma/adapter-pg';
import express from 'express';
import { createServer } from 'node:http';
import { Pool } from 'pg';
import {
  Arg,
  Args,
  ArgsType,
  buildSchema,
  createUnionType,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { PrismaClient } from '../../../../src/generated/prisma/client';
import { DateScalar, DateTimeScalar } from '../../../../src/common/scalars';

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_SIZE ?? 10) });
const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });

@ArgsType()
class PageArgs {
  @Field(() => Int, { nullable: true }) first?: number;
  @Field(() => String, { nullable: true }) after?: string;
}

@ObjectType()
class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
class Source {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) publisher!: string | null;
}

@ObjectType()
class Country {
  @Field(() => ID) code!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) region!: string | null;
}

@ObjectType()
class Policy {
  @Field(() => ID) id!: string;
  @Field() countryCode!: string;
  @Field() nationality!: string;
  @Field() category!: string;
  @Field() status!: string;
  @Field(() => String, { nullable: true }) visaRequirement!: string | null;
  @Field(() => Int, { nullable: true }) maxStayDays!: number | null;
  @Field() title!: string;
  @Field(() => DateScalar) effectiveFrom!: Date;
  @Field(() => DateScalar, { nullable: true }) effectiveTo!: Date | null;
  @Field(() => ID, { nullable: true }) previousId!: string | null;
}

@ObjectType()
class Statement {
  @Field(() => ID) id!: string;
  @Field() speaker!: string;
  @Field() text!: string;
  @Field(() => DateTimeScalar) saidAt!: Date;
  @Field(() => String, { nullable: true }) countryCode!: string | null;
}

@ObjectType()
class Event {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field(() => DateScalar) occurredOn!: Date;
  @Field(() => String, { nullable: true }) countryCode!: string | null;
}

@ObjectType()
class Nationality {
  @Field(() => ID) code!: string;
}

@ObjectType()
class Destination {
  @Field(() => Country) country!: Country;
  nationality!: string;
  date!: Date;
}

@ObjectType()
class PolicyChange {
  @Field() direction!: string;
  policyId!: string;
  previousPolicyId!: string | null;
}

@ObjectType()
class Retraction {
  @Field() reason!: string;
}

const FeedItem = createUnionType({
  name: 'FeedItem',
  types: () => [PolicyChange, Statement, Event, Retraction] as const,
  resolveType: (value) => (value as unknown as { __typename: string }).__typename,
});

@ObjectType()
class FeedEdge {
  @Field() cursor!: string;
  @Field() kind!: string;
  @Field(() => DateTimeScalar) committedAt!: Date;
  entry!: { kind: string; policyId: string | null; previousPolicyId: string | null; statementId: string | null; eventId: string | null; direction: string | null; reason: string | null };
}

@ObjectType()
class FeedConnection {
  @Field(() => [FeedEdge]) edges!: FeedEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType()
class CountryEdge {
  @Field() cursor!: string;
  @Field(() => Country) node!: Country;
}

@ObjectType()
class CountryConnection {
  @Field(() => [CountryEdge]) edges!: CountryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType()
class PolicyEdge {
  @Field() cursor!: string;
  @Field(() => Policy) node!: Policy;
}

@ObjectType()
class PolicyConnection {
  @Field(() => [PolicyEdge]) edges!: PolicyEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

const encode = (value: string) => Buffer.from(value).toString('base64url');
const decode = (value: string) => Buffer.from(value, 'base64url').toString();

function pageInfo(cursors: string[], hasNextPage: boolean, after?: string): PageInfo {
  return { hasNextPage, hasPreviousPage: Boolean(after), startCursor: cursors[0] ?? null, endCursor: cursors[cursors.length - 1] ?? null };
}

function inForce(countryCode: string, date: Date, nationality = 'RU') {
  return {
    countryCode,
    nationality,
    retractedAt: null,
    effectiveFrom: { lte: date },
    OR: [{ effectiveTo: null }, { effectiveTo: { gt: date } }],
  };
}

@Resolver()
class QueryResolver {
  @Query(() => FeedConnection)
  async feed(@Args() { first = 20, after }: PageArgs): Promise<FeedConnection> {
    const rows = await prisma.feedEntry.findMany({
      where: after ? { seq: { lt: BigInt(decode(after)) } } : {},
      orderBy: { seq: 'desc' },
      take: first + 1,
    });
    const edges = rows.slice(0, first).map((row) => ({ cursor: encode(row.seq.toString()), kind: row.kind, committedAt: row.committedAt, entry: row }));
    return { edges, pageInfo: pageInfo(edges.map((e) => e.cursor), rows.length > first, after) };
  }

  @Query(() => CountryConnection)
  async countries(@Args() { first = 20, after }: PageArgs): Promise<CountryConnection> {
    const rows = await prisma.country.findMany({
      where: after ? { name: { gt: decode(after) } } : {},
      orderBy: { name: 'asc' },
      take: first + 1,
    });
    const totalCount = await prisma.country.count();
    const edges = rows.slice(0, first).map((node) => ({ cursor: encode(node.name), node }));
    return { edges, pageInfo: pageInfo(edges.map((e) => e.cursor), rows.length > first, after), totalCount };
  }

  @Query(() => Country, { nullable: true })
  country(@Arg('code', () => ID) code: string) {
    return prisma.country.findFirst({ where: { code } });
  }

  @Query(() => Nationality, { nullable: true })
  async nationality(@Arg('code', () => ID) code: string) {
    const country = await prisma.country.findFirst({ where: { code } });
    return country ? { code } : null;
  }
}

@Resolver(() => Nationality)
class NationalityResolver {
  /** The countries with a rule in force for the nationality on the day; each destination's rules are its own resolvers. */
  @FieldResolver(() => [Destination])
  async destinations(@Root() nationality: Nationality, @Arg('date', () => DateScalar, { nullable: true }) date: Date | null) {
    const day = date ?? new Date(new Date().toISOString().slice(0, 10));
    const countries = await prisma.country.findMany({
      where: { policies: { some: { nationality: nationality.code, retractedAt: null, effectiveFrom: { lte: day }, OR: [{ effectiveTo: null }, { effectiveTo: { gt: day } }] } } },
      orderBy: { code: 'asc' },
    });
    return countries.map((country) => ({ country, nationality: nationality.code, date: day }));
  }
}

@Resolver(() => Destination)
class DestinationResolver {
  @FieldResolver(() => Policy, { nullable: true })
  visa(@Root() destination: Destination) {
    return prisma.policy.findFirst({ where: { ...inForce(destination.country.code, destination.date, destination.nationality), category: 'VISA' } });
  }

  @FieldResolver(() => [Policy])
  policies(@Root() destination: Destination) {
    return prisma.policy.findMany({ where: inForce(destination.country.code, destination.date, destination.nationality), orderBy: { category: 'asc' } });
  }
}

@Resolver(() => FeedEdge)
class FeedEdgeResolver {
  @FieldResolver(() => FeedItem)
  async node(@Root() edge: FeedEdge) {
    const { entry } = edge;
    switch (entry.kind) {
      case 'POLICY_CHANGE':
        return { __typename: 'PolicyChange', direction: entry.direction, policyId: entry.policyId, previousPolicyId: entry.previousPolicyId };
      case 'STATEMENT':
        return { __typename: 'Statement', ...(await prisma.statement.findFirst({ where: { id: entry.statementId! } })) };
      case 'EVENT':
        return { __typename: 'Event', ...(await prisma.event.findFirst({ where: { id: entry.eventId! } })) };
      default:
        return { __typename: 'Retraction', reason: entry.reason ?? '' };
    }
  }
}

@Resolver(() => PolicyChange)
class PolicyChangeResolver {
  @FieldResolver(() => Policy)
  policy(@Root() change: PolicyChange) {
    return prisma.policy.findFirst({ where: { id: change.policyId } });
  }

  @FieldResolver(() => Policy, { nullable: true })
  previous(@Root() change: PolicyChange) {
    return change.previousPolicyId ? prisma.policy.findFirst({ where: { id: change.previousPolicyId } }) : null;
  }
}

@Resolver(() => Policy)
class PolicyResolver {
  @FieldResolver(() => Country)
  country(@Root() policy: Policy) {
    return prisma.country.findFirst({ where: { code: policy.countryCode } });
  }

  @FieldResolver(() => [Source])
  sources(@Root() policy: Policy) {
    return prisma.source.findMany({ where: { policies: { some: { policyId: policy.id } } } });
  }
}

@Resolver(() => Statement)
class StatementResolver {
  @FieldResolver(() => Country, { nullable: true })
  country(@Root() statement: Statement) {
    return statement.countryCode ? prisma.country.findFirst({ where: { code: statement.countryCode } }) : null;
  }

  @FieldResolver(() => [Source])
  sources(@Root() statement: Statement) {
    return prisma.source.findMany({ where: { statements: { some: { statementId: statement.id } } } });
  }
}

@Resolver(() => Event)
class EventResolver {
  @FieldResolver(() => Country, { nullable: true })
  country(@Root() event: Event) {
    return event.countryCode ? prisma.country.findFirst({ where: { code: event.countryCode } }) : null;
  }

  @FieldResolver(() => [Source])
  sources(@Root() event: Event) {
    return prisma.source.findMany({ where: { events: { some: { eventId: event.id } } } });
  }
}

@Resolver(() => Country)
class CountryResolver {
  @FieldResolver(() => [Policy])
  currentPolicies(@Root() country: Country) {
    return prisma.policy.findMany({ where: inForce(country.code, new Date(new Date().toISOString().slice(0, 10))), orderBy: { category: 'asc' } });
  }

  @FieldResolver(() => [Policy])
  policiesAt(@Root() country: Country, @Arg('date', () => DateScalar) date: Date) {
    return prisma.policy.findMany({ where: inForce(country.code, date), orderBy: { category: 'asc' } });
  }

  @FieldResolver(() => PolicyConnection)
  async policyHistory(@Root() country: Country, @Args() { first = 20, after }: PageArgs): Promise<PolicyConnection> {
    const where = { countryCode: country.code, nationality: 'RU', retractedAt: null };
    const rows = await prisma.policy.findMany({
      where,
      orderBy: [{ effectiveFrom: 'desc' }, { recordedAt: 'desc' }, { id: 'desc' }],
      take: first + 1,
      ...(after ? { cursor: { id: decode(after) }, skip: 1 } : {}),
    });
    const totalCount = await prisma.policy.count({ where });
    const edges = rows.slice(0, first).map((node) => ({ cursor: encode(node.id), node }));
    return { edges, pageInfo: pageInfo(edges.map((e) => e.cursor), rows.length > first, after), totalCount };
  }
}

async function main(): Promise<void> {
  const schema = await buildSchema({
    resolvers: [QueryResolver, NationalityResolver, DestinationResolver, FeedEdgeResolver, PolicyChangeResolver, PolicyResolver, StatementResolver, EventResolver, CountryResolver],
    validate: false,
  });
  const apollo = new ApolloServer({ schema });
  await apollo.start();
  const app = express();
  app.use('/graphql', express.json({ limit: '100kb' }), expressMiddleware(apollo));
  const server = createServer(app);
  server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`naive on ${process.env.PORT}`));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void apollo
      .stop()
      .then(() => prisma.$disconnect())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
