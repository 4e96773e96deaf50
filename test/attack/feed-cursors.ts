import type { HttpClient } from './net';

/** Feed cursors as any client gets them: from the public feed query. */
export async function newestCursor(http: HttpClient, url: string): Promise<string> {
  const answer = await http.post(url, { query: '{ feed(first: 1) { edges { cursor } } }' });
  const cursor = answer.ok ? answer.json?.data?.feed?.edges?.[0]?.cursor : undefined;
  if (typeof cursor !== 'string') throw new Error(`no feed cursor from ${url}: ${answer.ok ? answer.text.slice(0, 300) : answer.error}`);
  return cursor;
}

/** The oldest cursor of the feed, paging to its end: resuming from it replays the whole feed. */
export function oldestCursor(http: HttpClient, url: string): Promise<string> {
  return cursorBack(http, url, Number.MAX_SAFE_INTEGER);
}

/** The cursor about `entries` items back from the newest (or the oldest, in a shorter feed): resuming from it replays them. */
export async function cursorBack(http: HttpClient, url: string, entries: number): Promise<string> {
  let after: string | null = null;
  let oldest: string | null = null;
  for (let page = 0; page * 100 < entries; page++) {
    const answer = await http.post(url, {
      query: 'query ($after: String) { feed(first: 100, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } }',
      variables: { after },
    });
    const feed = answer.ok ? answer.json?.data?.feed : undefined;
    if (!feed) throw new Error(`feed page failed on ${url}: ${answer.ok ? answer.text.slice(0, 300) : answer.error}`);
    oldest = feed.edges.at(-1)?.cursor ?? oldest;
    if (!feed.pageInfo.hasNextPage) break;
    after = feed.pageInfo.endCursor;
  }
  if (!oldest) throw new Error('the feed is empty');
  return oldest;
}
