/**
 * The layers, as rules (`npm run lint`). Imports point one way:
 *   src/core  ←  workers  ←  src/state  ←  src/views  ←  src/app        and   src/core  ←  src/cli
 * src/core is pure TypeScript: no DOM-only code, no `node:` module, nothing from the layers above it.
 * No import cycles anywhere.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files that import each other cannot be read, tested or moved one at a time.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment:
        'The engine runs in workers, in Node and in tests: it imports nothing outside src/core and no Node module.',
      from: { path: '^src/core/' },
      to: { pathNot: '^src/core/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'core-types-are-core',
      severity: 'error',
      comment: 'Not even types from above: the layers above depend on the core, never the other way.',
      from: { path: '^src/core/' },
      to: { path: '^(src/(app|views|state|cli)|workers)/' },
    },
    {
      name: 'core-no-node',
      severity: 'error',
      comment: 'The Node file source belongs to the CLI host.',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'workers-below-page',
      severity: 'error',
      comment: 'Workers serve the page; they know nothing of its state or views.',
      from: { path: '^workers/' },
      to: { path: '^src/(app|views|state|cli)/' },
    },
    {
      name: 'state-below-views',
      severity: 'error',
      comment: "The page's data knows nothing of how it is shown.",
      from: { path: '^src/state/' },
      to: { path: '^src/(app|views|cli)/' },
    },
    {
      name: 'views-below-app',
      severity: 'error',
      comment: 'Views only show; the shell composes them.',
      from: { path: '^src/views/' },
      to: { path: '^src/(app|cli)/' },
    },
    {
      name: 'cli-over-core',
      severity: 'error',
      comment: 'The CLI is a host of the engine, like the page, and shares nothing else with it.',
      from: { path: '^src/cli/' },
      to: { path: '^(src/(app|views|state)|workers)/' },
    },
    {
      name: 'product-not-on-tests',
      severity: 'error',
      comment: 'Product code never imports test helpers.',
      from: { path: '^(src|workers)/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^(tests|e2e)/|\\.test\\.tsx?$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
