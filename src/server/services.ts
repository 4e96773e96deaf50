import { TokenService } from '../auth/token.service';
import type { Config } from '../config/config';
import { CursorCodec } from '../common/cursor';
import { CountryCatalog } from '../country/country.catalog';
import { CountryService } from '../country/country.service';
import type { Database } from '../db/database';
import { EventService } from '../event/event.service';
import { EventWriteService } from '../event/event-write.service';
import type { FeedPublisher } from '../feed/feed.publisher';
import { FeedService } from '../feed/feed.service';
import { RetractionService } from '../feed/retraction.service';
import { BulkImporter } from '../importer/bulk-import';
import { Importer } from '../importer/importer';
import { NodeService } from '../node/node.service';
import { NationalityService } from '../nationality/nationality.service';
import { PolicyChangeService } from '../policy/policy-change.service';
import { PolicyService } from '../policy/policy.service';
import { SourceService } from '../source/source.service';
import { StatementService } from '../statement/statement.service';
import { StatementWriteService } from '../statement/statement-write.service';

export interface Services {
  catalog: CountryCatalog;
  cursors: CursorCodec;
  countries: CountryService;
  policies: PolicyService;
  nationalities: NationalityService;
  policyChanges: PolicyChangeService;
  statements: StatementService;
  statementWrites: StatementWriteService;
  events: EventService;
  eventWrites: EventWriteService;
  sources: SourceService;
  feed: FeedService;
  importer: Importer;
  /** The same import in one transaction, for large files and the seed. */
  bulkImporter: BulkImporter;
  tokens: TokenService;
  retractions: RetractionService;
  nodes: NodeService;
}

/** The composition root for everything below the transport: one instance of each service. */
export function createServices(db: Database, config: Config, publisher: FeedPublisher): Services {
  const { prisma } = db;
  const cursors = new CursorCodec(config.cursorSecret ?? db.deployment.secret);
  const catalog = new CountryCatalog(prisma);
  const policies = new PolicyService(db.sql, cursors, config.pageSize, catalog);
  const policyChanges = new PolicyChangeService(db.sql, catalog, publisher);
  const statementWrites = new StatementWriteService(db.sql, catalog, publisher);
  const eventWrites = new EventWriteService(db.sql, catalog, publisher);
  const importerServices = { policies: policyChanges, statements: statementWrites, events: eventWrites };
  return {
    catalog,
    cursors,
    countries: new CountryService(catalog, policies, cursors, config.pageSize),
    policies,
    nationalities: new NationalityService(catalog, policies),
    policyChanges,
    statements: new StatementService(db.sql, cursors, config.pageSize, catalog),
    statementWrites,
    events: new EventService(db.sql, cursors, config.pageSize, catalog),
    eventWrites,
    sources: new SourceService(db.sql),
    feed: new FeedService(prisma, db.sql, cursors, config.pageSize, catalog),
    importer: new Importer(prisma, importerServices, publisher),
    bulkImporter: new BulkImporter(db.pool, importerServices, publisher),
    tokens: new TokenService(prisma, db.sql),
    retractions: new RetractionService(db.sql, publisher),
    nodes: new NodeService(catalog, config.pageSize),
  };
}
