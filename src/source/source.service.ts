import type { PrismaClient, Source } from '../generated/prisma/client';

/** A source with the id of the record it supports. */
export interface SourceLink {
  ownerId: string;
  value: Source;
}

/** Sources of many records at once, one statement per kind of record. */
export class SourceService {
  constructor(private readonly prisma: PrismaClient) {}

  async ofPolicies(ids: readonly string[]): Promise<SourceLink[]> {
    const links = await this.prisma.policySource.findMany({ where: { policyId: { in: [...ids] } }, include: { source: true } });
    return links.map((link) => ({ ownerId: link.policyId, value: link.source }));
  }

  async ofStatements(ids: readonly string[]): Promise<SourceLink[]> {
    const links = await this.prisma.statementSource.findMany({ where: { statementId: { in: [...ids] } }, include: { source: true } });
    return links.map((link) => ({ ownerId: link.statementId, value: link.source }));
  }

  async ofEvents(ids: readonly string[]): Promise<SourceLink[]> {
    const links = await this.prisma.eventSource.findMany({ where: { eventId: { in: [...ids] } }, include: { source: true } });
    return links.map((link) => ({ ownerId: link.eventId, value: link.source }));
  }
}
