// The layer rules of docs/architecture.md, checked on every `npm run lint`.
// Paths are relative to the repo root; `depcruise src test scripts bench` walks what imports what.

const TEST = '\\.test\\.ts$';
/** Test-only code under src/: in-memory fakes. The build leaves it out of dist/. */
const TESTING = '^src/.+/testing/';
/** Where a process, a thread or a vitest setup starts: nothing imports these, they are started by path. */
const ENTRIES = ['^src/cli/index\\.ts$', '\\.entry\\.ts$', '\\.worker\\.ts$', '\\.setup\\.ts$'];

/** Built-ins the pure core may use: hashing only. Everything else Node ships reaches the world or the process. */
const CORE_BUILTINS = '^(node:)?crypto$';
/** Packages the pure core may use: they compute, they touch nothing. */
const CORE_PACKAGES = '^node_modules/js-yaml/';

module.exports = {
  forbidden: [
    {
      name: 'core-not-to-outer-layers',
      comment: 'The core decides; adapters, commands and the CLI wire it to the world. It talks to them only through src/core/ports.ts.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/(adapters|commands|cli)/' },
    },
    {
      name: 'core-no-io-builtins',
      comment: 'The core does no file, network, process, thread or terminal I/O: node:crypto (hashing) is the only built-in it may import.',
      severity: 'error',
      from: { path: '^src/core/', pathNot: TEST },
      to: { dependencyTypes: ['core'], pathNot: CORE_BUILTINS },
    },
    {
      name: 'core-no-packages',
      comment:
        'The packages ainative depends on are mostly the edges (openai, simple-git, execa, ts-morph, vitest, the terminal): the core uses only pure ones, named here (js-yaml parses frontmatter).',
      severity: 'error',
      from: { path: '^src/core/', pathNot: [TEST, TESTING] },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: CORE_PACKAGES },
    },
    {
      name: 'adapters-not-to-commands-or-cli',
      comment: 'Adapters are the edges: commands wire them, the CLI prints; an adapter knows neither.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(commands|cli)/' },
    },
    {
      name: 'commands-not-to-cli',
      comment: 'Commands return results; only src/cli/ parses arguments and prints them.',
      severity: 'error',
      from: { path: '^src/commands/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'worker-not-to-host',
      comment:
        "src/adapters/test-host/worker/ runs in the test worker threads, host/ in the test host process: a worker may share the host's types, not its code.",
      severity: 'error',
      from: { path: '^src/adapters/test-host/worker/' },
      to: { path: '^src/adapters/test-host/host/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'worker-not-to-commands',
      comment: "The test worker threads run the confinement runtime and nothing of ainative's commands.",
      severity: 'error',
      from: { path: '^src/adapters/test-host/worker/' },
      to: { path: '^src/commands/' },
    },
    {
      name: 'product-not-to-tests',
      comment: 'What ships in dist/ imports no test, test helper or in-memory fake: those are not built (tsconfig.build.json).',
      severity: 'error',
      from: { path: '^src/', pathNot: [TEST, TESTING] },
      to: { path: [TEST, TESTING, '^test/'] },
    },
    {
      name: 'not-to-test-files',
      comment: 'Tests share code through test/helpers/ (or src/**/testing/), never by importing another test file.',
      severity: 'error',
      from: {},
      to: { path: TEST },
    },
    {
      name: 'product-not-to-dev-deps',
      comment: 'The installed CLI has only `dependencies`: product code importing a devDependency breaks it for users.',
      severity: 'error',
      from: { path: '^src/', pathNot: [TEST, TESTING] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment:
        'Import cycles make load order matter and layers meaningless. Cycles closed only by `import type` are erased by tsc and load nothing; they are left to the modules that own those types.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-orphans',
      comment: 'A module under src/ that imports nothing and that nothing imports is dead.',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: [TEST, ...ENTRIES] },
      to: {},
    },
    {
      name: 'no-unreachable-product-modules',
      comment:
        'Every product module under src/ is reachable from an entry (the CLI, the host process, a thread, a setup file); one only tests reach is dead.',
      severity: 'error',
      from: { path: ENTRIES },
      to: { path: '^src/', pathNot: [TEST, TESTING, ...ENTRIES], reachable: false },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing: a typo, or a package missing from package.json.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment: 'A package imported but not declared in package.json works only by accident of hoisting.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^examples/', '^templates/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
