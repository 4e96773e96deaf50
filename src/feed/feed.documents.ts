import type { Feed as FeedDocument, Item } from 'feed' with { 'resolution-mode': 'import' };
import type { FeedArticle } from './feed.articles';
import { feedItemLink } from './feed-item.query';

/** What a feed document says about itself. */
export interface FeedMeta {
  title: string;
  /** This document's own URL (Atom `self`, JSON Feed `feed_url`); also the Atom feed id. */
  selfUrl: string;
  atomUrl: string;
  jsonUrl: string;
  /** The playground, where every item's query link opens. */
  graphqlUrl: string;
}

// `feed` is an ES module; Borderwatch compiles to CommonJS, so it is loaded with import(), once.
type FeedLibrary = typeof import('feed', { with: { 'resolution-mode': 'import' } });
let library: Promise<FeedLibrary> | undefined;
const loadLibrary = () => (library ??= import('feed'));

/** Atom 1.0. The library writes titles and summaries as HTML (type="html"), so plain text is escaped first. */
export async function toAtom(articles: readonly FeedArticle[], meta: FeedMeta): Promise<string> {
  const feed = await documentFor(articles, meta);
  for (const article of articles) {
    feed.addItem({ ...item(article, meta), id: atomId(article.cursor), title: escapeHtml(article.title), description: escapeHtml(article.summary) });
  }
  return feed.atom1();
}

/**
 * JSON Feed 1.1. The library writes the 1.0 layout; every field used here is
 * unchanged in 1.1 (only `author` became `authors`, and no author is set),
 * so the document is 1.1 once it says so.
 */
export async function toJsonFeed(articles: readonly FeedArticle[], meta: FeedMeta): Promise<string> {
  const feed = await documentFor(articles, meta);
  for (const article of articles) {
    feed.addItem({
      ...item(article, meta),
      id: article.cursor,
      title: article.title,
      description: article.summary,
      // JSON Feed's extension mechanism: keys starting with an underscore, for clients that want the data.
      extensions: [{ name: '_borderwatch', objects: { cursor: article.cursor, kind: article.kind, countries: article.countries, sources: article.sources } }],
    });
  }
  const json = JSON.parse(feed.json1()) as Record<string, unknown>;
  return JSON.stringify({ ...json, version: 'https://jsonfeed.org/version/1.1', language: 'en' }, null, 2);
}

async function documentFor(articles: readonly FeedArticle[], meta: FeedMeta): Promise<FeedDocument> {
  const { Feed } = await loadLibrary();
  return new Feed({
    id: meta.selfUrl,
    title: meta.title,
    description: 'Changes to border and entry policies, officials’ statements and events, newest first. Every item cites its sources.',
    link: meta.graphqlUrl,
    feed: meta.selfUrl,
    feedLinks: { atom: meta.atomUrl, json: meta.jsonUrl },
    // The newest item's time, so an unchanged feed is byte-for-byte the same document.
    updated: articles[0]?.committedAt ?? new Date(0),
    generator: 'Borderwatch',
  });
}

/** The parts both formats share; the content is HTML in both. */
function item(article: FeedArticle, meta: FeedMeta): Omit<Item, 'id' | 'title' | 'description'> {
  return {
    link: feedItemLink(meta.graphqlUrl, article.recordId),
    date: article.committedAt,
    published: article.committedAt,
    content: contentHtml(article),
    category: [{ name: article.kind, term: article.kind }, ...article.countries.map((c) => ({ name: c.name, term: c.code }))],
  };
}

function contentHtml(article: FeedArticle): string {
  const parts = [`<p>${escapeHtml(article.summary)}</p>`];
  if (article.recordDate) parts.push(`<p>${escapeHtml(article.recordDate.label)} ${article.recordDate.value}.</p>`);
  if (article.sources.length > 0) {
    const links = article.sources.map(
      (s) => `<li><a href="${escapeHtml(s.url)}">${escapeHtml(s.title)}</a>${s.publisher ? ` (${escapeHtml(s.publisher)})` : ''}</li>`,
    );
    parts.push(`<p>Sources:</p><ul>${links.join('')}</ul>`);
  }
  return parts.join('');
}

/** Atom ids are IRIs; the cursor is the part a GraphQL client can use. */
export function atomId(cursor: string): string {
  return `urn:borderwatch:feed:${cursor}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
