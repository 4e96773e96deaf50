import type { AuthChecker } from 'type-graphql';
import { UnauthenticatedError } from '../common/errors';
import type { Context } from '../server/context';
import type { Editor, TokenService } from './token.service';

/** Reads `Authorization: Bearer <token>` lazily: reads never pay for a token lookup. */
export function authFromHeader(header: string | undefined, tokens: TokenService): () => Promise<Editor | null> {
  let editor: Promise<Editor | null> | undefined;
  return () => {
    if (editor) return editor;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    editor = match ? tokens.verify(match[1]!) : Promise.resolve(null);
    return editor;
  };
}

/** `@Authorized()` on a mutation: a valid, unrevoked editor token is required. */
export const authChecker: AuthChecker<Context> = async ({ context }) => {
  const editor = await context.editor();
  if (!editor) throw new UnauthenticatedError();
  return true;
};
