import { createHash, randomBytes } from 'node:crypto';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import type { Sql } from '../db/sql';
import type { PrismaClient, TokenRole } from '../generated/prisma/client';
import { tokenByHash } from './token.sql';

export interface Editor {
  id: string;
  name: string;
  role: TokenRole;
}

const TOKEN_PREFIX = 'bw_';
const NAME = /^[\w.@-]{1,100}$/;

/** Only a hash is stored: a database dump reveals no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** API tokens for editors: created and revoked by `npm run token`, checked on every write. */
export class TokenService {
  constructor(
    private readonly prisma: PrismaClient,
    /** For verify, on every write: a prepared statement costs a fraction of a Prisma query's CPU. Prisma's when absent (the CLI). */
    private readonly sql?: Sql,
  ) {}

  /** Returns the token itself, which exists nowhere else afterwards. */
  async create(name: string, role: TokenRole): Promise<string> {
    if (!NAME.test(name)) throw new BadUserInputError('name', 'use 1-100 letters, digits, dots, dashes, @ or underscores');
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    try {
      await this.prisma.apiToken.create({ data: { name, role, hash: hashToken(token) } });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') throw new ConflictError(`a token named "${name}" already exists`);
      throw error;
    }
    return token;
  }

  async revoke(name: string): Promise<void> {
    const { count } = await this.prisma.apiToken.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new NotFoundError('An active token named', name);
  }

  list() {
    return this.prisma.apiToken.findMany({ orderBy: { createdAt: 'asc' }, select: { name: true, role: true, createdAt: true, revokedAt: true } });
  }

  /** The editor a token belongs to, or null when it is unknown or revoked. */
  async verify(token: string): Promise<Editor | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const hash = hashToken(token);
    const row = this.sql ? await tokenByHash(this.sql, hash) : await this.prisma.apiToken.findUnique({ where: { hash } });
    if (!row || row.revokedAt) return null;
    return { id: row.id, name: row.name, role: row.role };
  }
}
