import type { App } from '../../src/server/app';

/** An editor token created the way `npm run token -- create` does, and the header that carries it. */
export async function editorHeaders(app: App, name = `editor-${Math.random().toString(36).slice(2, 8)}`): Promise<Record<string, string>> {
  const token = await app.services.tokens.create(name, 'EDITOR');
  return { authorization: `Bearer ${token}` };
}
