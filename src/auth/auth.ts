import type { AuthChecker } from 'type-graphql';
import { UnauthenticatedError } from '../common/errors';
import type { Editor, TokenService } from './token.service';

/**
 * What authentication needs from a request's context (src/server/context.ts's Context has it).
 * Declared here, not imported from the server, so that auth does not depend on what depends on it.
 */
export interface AuthContext {
  /** The editor behind the request's token, looked up on first use; null when none or invalid. */
  editor: () => Promise<Editor | null>;
}

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
export const authChecker: AuthChecker<AuthContext> = async ({ context }) => {
  const editor = await context.editor();
  if (!editor) throw new UnauthenticatedError();
  return true;
};
