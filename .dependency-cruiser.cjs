// The layering of src/, checked by `npm run lint:deps` (and so by CI). docs/architecture.md says
// why each folder exists; this file says what each may import. A dependency that no rule below
// allows fails the check. Node's own modules and npm packages are always allowed.
const BASE = ['^src/lib/'];
const within = (...folders) => folders.map((f) => `^src/${f}/`);

/** One allowed rule: modules under `from` may import modules under any of `to`. */
const allow = (comment, from, to) => ({ comment, from: { path: from }, to: { path: [...BASE, ...to] } });

const INTEGRATION_BASE = [
  ...within('observability', 'outbound', 'model', 'charts', 'alertmanager', 'store/ports'),
  '^src/integrations/[^/]+\\.ts$',
  '^src/oncall/[^/]+\\.ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle of runtime imports between modules: pull the shared part down. Type-only imports cost nothing at run time.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  allowed: [
    {
      comment: 'packages-and-node',
      from: {},
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'] },
    },
    allow('lib', '^src/lib/', []),
    allow('observability', '^src/observability/', within('observability')),
    allow('outbound', '^src/outbound/', within('outbound')),
    allow('model', '^src/model/', within('model')),
    allow('charts', '^src/charts/', within('charts')),
    allow('prometheus', '^src/prometheus/', within('prometheus', 'observability', 'outbound', 'model')),
    allow('alertmanager', '^src/alertmanager/', within('alertmanager', 'outbound', 'model')),
    allow('oncall', '^src/oncall/', within('oncall', 'outbound', 'model', 'observability')),
    allow('store-ports', '^src/store/ports/', within('store/ports', 'model')),
    allow('store-shared', '^src/store/[^/]+\\.ts$', [...within('store/ports', 'model', 'observability'), '^src/store/[^/]+\\.ts$']),
    {
      comment: 'store-adapter: an adapter sees the ports, the shared store code and its own folder, never another adapter.',
      from: { path: '^src/store/(memory|sqlite|postgres)/' },
      to: { path: [...BASE, ...within('store/ports', 'model', 'observability'), '^src/store/[^/]+\\.ts$', '^src/store/$1/'] },
    },
    allow('enrichers', '^src/enrichers/', within('enrichers', 'observability', 'model', 'prometheus', 'alertmanager', 'charts')),
    allow('integration-contract', '^src/integrations/[^/]+\\.ts$', INTEGRATION_BASE),
    allow('integration-registry', '^src/integrations/registry\\.ts$', ['^src/integrations/']),
    allow('chat-model', '^src/integrations/chat/', [...INTEGRATION_BASE, '^src/integrations/chat/']),
    {
      comment: 'integration: an integration sees the contract, the chat model and what lies below; never another integration.',
      from: { path: '^src/integrations/([^/]+)/' },
      to: { path: [...BASE, ...INTEGRATION_BASE, '^src/integrations/chat/', '^src/integrations/$1/'] },
    },
    allow('config', '^src/config/', [
      ...within('config', 'model', 'observability'),
      '^src/oncall/[^/]+\\.ts$',
      '^src/integrations/[^/]+\\.ts$',
      '^src/enrichers/[^/]+\\.ts$',
    ]),
    allow('pipeline', '^src/pipeline/', [
      ...within('pipeline', 'observability', 'model', 'prometheus', 'store/ports', 'oncall'),
      '^src/integrations/[^/]+\\.ts$',
      '^src/enrichers/[^/]+\\.ts$',
    ]),
    allow('engine', '^src/engine/', [
      ...within('engine', 'pipeline', 'observability', 'model', 'store/ports', 'oncall'),
      '^src/integrations/[^/]+\\.ts$',
    ]),
    allow('http', '^src/http/', [
      ...within('http', 'pipeline', 'observability', 'model', 'store/ports', 'charts', 'oncall'),
      '^src/integrations/[^/]+\\.ts$',
    ]),
    allow('app', '^src/app/', ['^src/']),
  ],
  allowedSeverity: 'error',
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
