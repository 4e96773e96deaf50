// Workers first: Monaco reads MonacoEnvironment when GraphiQL loads it.
import './workers';
import 'graphiql/style.css';
import './playground.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createClient } from 'graphql-ws';
import { createRoot } from 'react-dom/client';
import { TOKEN_HEADERS } from '../src/playground/examples';
import { defaultTabs, linkedOperation } from './tabs';

// The page is served on the GraphQL URL itself: HTTP and graphql-ws share it, whatever the host or prefix.
const httpUrl = `${location.origin}${location.pathname.replace(/\/+$/, '')}`;
const wsUrl = httpUrl.replace(/^http/, 'ws');

const fetcher = createGraphiQLFetcher({
  url: httpUrl,
  wsClient: createClient({ url: wsUrl, lazy: true, retryAttempts: 5 }),
  // Borderwatch answers with single JSON results (no @defer/@stream), so plain fetch is enough.
  enableIncrementalDelivery: false,
});

const linked = linkedOperation(location.search);

createRoot(document.getElementById('playground')!).render(
  <GraphiQL
    fetcher={fetcher}
    defaultTabs={defaultTabs(linked)}
    // A returning visitor keeps their stored tabs; a linked operation still opens in a tab of its own.
    initialQuery={linked?.query ?? undefined}
    initialVariables={linked?.variables ?? undefined}
    defaultHeaders={TOKEN_HEADERS}
    defaultEditorToolsVisibility="headers"
    // Tokens stay out of localStorage unless the editor chooses otherwise in the settings.
    shouldPersistHeaders={false}
  >
    <GraphiQL.Logo>
      Borderwatch{' '}
      {/* The map is served beside the GraphQL URL: /graphql links to /map. */}
      <a className="borderwatch-map-link" href="map">
        World map
      </a>
    </GraphiQL.Logo>
  </GraphiQL>,
);
