import 'reflect-metadata';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { TokenService } from '../src/auth/token.service';
import { AppError } from '../src/common/errors';
import { loadConfig } from '../src/config/config';
import { openDatabase } from '../src/db/database';
import { TokenRole } from '../src/generated/prisma/enums';

const USAGE = `Usage:
  npm run token -- create --name <who> --role editor   prints a new token once, on the last line
  npm run token -- revoke <name>                       the token stops working at once
  npm run token -- list                                names, roles, dates (never tokens)`;

/** `npm run token`: editors' API tokens. Uses DATABASE_URL, or the embedded database in DATA_DIR. */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, role: { type: 'string', default: 'editor' } },
  });
  const [command, argument] = positionals;
  const config = loadConfig();
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, startWaitMs: config.dbTimeouts.startWaitMs, poolSize: 2, logger });
  const tokens = new TokenService(db.prisma);
  try {
    switch (command) {
      case 'create': {
        const role = values.role?.toUpperCase();
        if (!values.name) return fail('create needs --name <who>');
        if (role !== TokenRole.EDITOR) return fail(`unknown role "${values.role}"; the only role is editor`);
        const token = await tokens.create(values.name, TokenRole.EDITOR);
        console.log(`Created an editor token for ${values.name}. It is shown only now; store it safely:`);
        console.log(token);
        return 0;
      }
      case 'revoke':
        if (!argument) return fail('revoke needs the token name');
        await tokens.revoke(argument);
        console.log(`Revoked the token of ${argument}.`);
        return 0;
      case 'list':
        for (const t of await tokens.list()) {
          console.log(`${t.name}\t${t.role.toLowerCase()}\tcreated ${t.createdAt.toISOString()}${t.revokedAt ? `\trevoked ${t.revokedAt.toISOString()}` : ''}`);
        }
        return 0;
      default:
        return fail(command ? `unknown command "${command}"` : 'no command given');
    }
  } catch (error) {
    if (error instanceof AppError) return fail(error.message);
    throw error;
  } finally {
    await db.close();
  }
}

function fail(message: string): number {
  console.error(`${message}\n\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
