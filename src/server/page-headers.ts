/**
 * What Borderwatch's own pages (the playground at /graphql, the map at /map) may load: only this
 * host. Styles may be inline because GraphiQL and Monaco set them at run time; fonts come as
 * data: URLs inside the stylesheet; 'self' covers graphql-ws on the same host (CSP level 3).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with each page itself (its assets carry the policy alone). */
export const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
} as const;
