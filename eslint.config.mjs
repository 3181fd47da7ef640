// ESLint 9 flat config: typescript-eslint's type-checked rules over every project (sources and tests, through
// tsconfig.spec.json; bench through its own tsconfig, since it reads the scheduler's compiled output) and Nx's
// module boundaries over the tags in each project.json. `make lint` runs it; docs/architecture.md explains the rules.
import js from '@eslint/js';
import { createProjectGraphAsync } from '@nx/devkit';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// @nx/enforce-module-boundaries reads the cached project graph and skips itself, with only a warning, when there is
// none (a fresh clone): compute it first so the rule always runs. No daemon: lint is a one-shot command.
process.env.NX_DAEMON ??= 'false';
await createProjectGraphAsync({ exitOnError: true });

const SERVICES = ['api', 'history', 'ingest', 'issues', 'notifier', 'scheduler'];
// Every layer below a service; the type: tags say which of them a project may use.
const LAYERS_BELOW_SERVICES = ['type:bootstrap', 'type:data-access', 'type:domain', 'type:util', 'type:contracts'];

/** The architecture, in tags: scope says whose code it is, type says which layer it is. */
const depConstraints = (...testOnly) => [
  // A service uses its own code and the shared libraries, never another service's.
  ...SERVICES.map((service) => ({ sourceTag: `scope:${service}`, onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'] })),
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:e2e', 'scope:shared'] },
  { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['scope:bench', 'scope:shared'] },
  // The vigil command (services/cli) is the image's entry point: it starts any service by name and migrates the stores.
  { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:cli', 'scope:shared', ...SERVICES.map((service) => `scope:${service}`)] },
  // Topic names and message schemas stand alone.
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util', 'type:contracts', ...testOnly] },
  // The service runtime (libs/bootstrap) wires the stores and Kafka into a Nest application.
  { sourceTag: 'type:bootstrap', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts', ...testOnly] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: [...LAYERS_BELOW_SERVICES, ...testOnly] },
  { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:service', 'type:data-access', 'type:util', 'type:contracts', ...testOnly] },
  // The test harness starts stores and services; tests of every kind use it, production code never does.
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
];

const boundaries = (options = {}) => ({
  '@nx/enforce-module-boundaries': [
    'error',
    {
      depConstraints: depConstraints(),
      // libs/testing builds on the data-access libraries (it migrates the stores), and their integration tests use
      // it: a cycle through test files only. The compiled graph (tsconfig references) has no cycle.
      ignoredCircularDependencies: [
        ['testing', 'db'],
        ['testing', 'kafka'],
        ['testing', 'clickhouse'],
      ],
      ...options,
    },
  ],
});

const TEST_FILES = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/__tests__/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.stack/**', '.nx/**', 'coverage/**', 'third_party/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.spec.json', './bench/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      ...boundaries(),
      // `_name` marks what is left out on purpose: a destructured field dropped from a copy, a parameter an
      // interface imposes.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `async` without `await` implements a Promise-returning interface and turns a throw into a rejection;
      // dropping it would change behaviour, so this rule (style, not a bug) is off.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: TEST_FILES,
    rules: boundaries({ depConstraints: depConstraints('type:testing') }),
  },
  {
    // The scheduler benchmark drives the scheduler's detection engine in-process (bench/README.md): the one place
    // a project imports an application, through its compiled output.
    files: ['bench/src/scheduler/**/*.ts'],
    rules: boundaries({ allow: ['@vigil/scheduler/dist/**'] }),
  },
  {
    // The vigil command starts a service by importing its entry point (its compiled main.js), nothing else of it.
    files: ['services/cli/src/**/*.ts'],
    ignores: TEST_FILES,
    rules: boundaries({ allow: SERVICES.map((service) => `@vigil/${service}/dist/main.js`) }),
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  // .js here is CommonJS (jest.config.js, the Sentry SDK job the e2e tests run): require is how it imports.
  { files: ['**/*.js', '**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  prettier,
);
