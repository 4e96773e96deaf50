import { createHmac, timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { BadUserInputError } from './errors';

/**
 * Opaque pagination cursors: base64url(JSON [list, ...position]) + "." + a
 * truncated HMAC. The signature is not about secrecy (the data is public) but
 * about turning an edited or foreign cursor into a clear error instead of a
 * silently wrong page. The secret is the database's own (made by its
 * migration, src/db/deployment.ts) unless CURSOR_SECRET overrides it, so a
 * cursor from one instance works on every other instance of the deployment,
 * and on no other deployment.
 */
export type CursorValue = string | number;

const CACHED_CURSORS = 50_000;

export class CursorCodec {
  /** Recent cursors: the same rows are paged again and again, and an HMAC per edge adds up. */
  private readonly cache = new LRUCache<string, string>({ max: CACHED_CURSORS });

  constructor(private readonly secret: string) {}

  encode(list: string, position: readonly CursorValue[]): string {
    const json = JSON.stringify([list, ...position]);
    let cursor = this.cache.get(json);
    if (cursor === undefined) {
      const body = Buffer.from(json).toString('base64url');
      cursor = `${body}.${this.sign(body)}`;
      this.cache.set(json, cursor);
    }
    return cursor;
  }

  /** Returns the position; throws BAD_USER_INPUT naming `field` when the cursor is not one of `list`'s. */
  decode(cursor: string, list: string, field = 'after'): CursorValue[] {
    const [body, signature, extra] = cursor.split('.');
    if (!body || !signature || extra !== undefined || !this.verify(body, signature)) {
      throw new BadUserInputError(field, 'not a valid cursor (was it edited?)');
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw new BadUserInputError(field, 'not a valid cursor');
    }
    if (!Array.isArray(decoded) || decoded.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
      throw new BadUserInputError(field, 'not a valid cursor');
    }
    const [kind, ...position] = decoded as CursorValue[];
    if (kind !== list) throw new BadUserInputError(field, `this cursor belongs to another list (${String(kind)}), not ${list}`);
    return position;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 16);
  }

  private verify(body: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
