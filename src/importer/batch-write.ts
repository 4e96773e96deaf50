import type { SourceInputValue } from '../common/validation';
import type { Prisma } from '../generated/prisma/client';
import type { BatchPlan } from './batch-plan';
import {
  closeVersions,
  ensureSourceRows,
  insertEvents,
  insertPolicies,
  insertStatements,
  linkEventCountries,
  linkSources,
  linkStatementPolicies,
} from './import-write.sql';

type Tx = Prisma.TransactionClient;

/**
 * Writes a planned batch in a handful of set-based statements (src/importer/import-write.sql.ts),
 * so 10,000 rows cost a few hundred round trips, not tens of thousands.
 */
export async function writeBatch(tx: Tx, plan: BatchPlan): Promise<void> {
  const sourceIds = await ensureSources(tx, [
    ...plan.policies.flatMap((p) => p.sources),
    ...plan.statements.flatMap((s) => s.input.sources),
    ...plan.events.flatMap((e) => e.input.sources),
  ]);
  const idOf = (source: SourceInputValue) => sourceIds.get(source.url)!;

  // Close first: a key may have only one open version.
  await closeVersions(tx, plan.closes);
  await insertPolicies(tx, plan.policies);
  await linkSources(tx, 'policy', plan.policies.map((p) => [p.id, p.sources.map(idOf)] as const));

  await insertStatements(tx, plan.statements.map(({ id, input }) => ({
    id,
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
  })));
  await linkSources(tx, 'statement', plan.statements.map((s) => [s.id, s.input.sources.map(idOf)] as const));
  await linkStatementPolicies(tx, plan.statements.flatMap((s) => s.relatedPolicyIds.map((p) => [s.id, p] as const)));

  await insertEvents(tx, plan.events.map(({ id, input }) => ({
    id,
    title: input.title,
    description: input.description,
    kind: input.kind,
    occurredOn: input.occurredOn,
    countryCode: input.countryCode,
    figureValue: input.figure?.value ?? null,
    figureUnit: input.figure?.unit ?? null,
    figureQualifier: input.figure?.qualifier ?? null,
    verification: input.verification,
  })));
  await linkSources(tx, 'event', plan.events.map((e) => [e.id, e.input.sources.map(idOf)] as const));
  await linkEventCountries(tx, plan.events.flatMap((e) => e.countryCodes.map((c) => [e.id, c] as const)));
}

/** The first source given for each URL (a URL already known keeps its first title); returns the id of every URL. */
async function ensureSources(tx: Tx, sources: readonly SourceInputValue[]): Promise<Map<string, string>> {
  const first = new Map<string, SourceInputValue>();
  for (const source of sources) if (!first.has(source.url)) first.set(source.url, source);
  return ensureSourceRows(tx, [...first.values()]);
}
