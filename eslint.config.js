// @ts-check
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * Layer rules. `no-restricted-imports` sees the import as written, not the file it resolves to, so
 * "leaves the layer" is spelled as "climbs as many `../` as the importing file is deep, then names a
 * folder the layer may not use". One config object per depth keeps that exact (a file two folders
 * down may say `../../domain/x.js`, a file one folder down may not say `../../x.js`).
 */

const MAX_DEPTH = 4;

/** The glob of the `.ts` files exactly `depth` folders below `src/<layer>/`. */
const filesAtDepth = (layer, depth) => [`src/${layer}/${'*/'.repeat(depth)}*.ts`];

/** Relative specifiers that climb up to `src/` and then go anywhere but the `allowed` folders. */
const leavingFor = (depth, allowed) => `^(?:\\.\\./){${depth + 1}}(?!(?:${allowed.join('|')})/)`;

/** Bare specifiers (packages, `node:` builtins) other than the `allowed` packages. */
const packagesOtherThan = (allowed) => `^(?![./])(?!(?:${allowed.join('|')})(?:/|$))`;

const PURE_LIBRARIES = ['io-ts', 'fp-ts'];

const DOMAIN_WHY =
  'the domain is pure: it imports nothing outward (no application, adapters, infrastructure, framework or ' +
  'Node builtin), only other domain modules, io-ts and fp-ts, so its rules can be read and tested alone.';
const APPLICATION_WHY =
  'the application depends on the domain only: adapters plug into its ports, never the other way round, ' +
  'and no framework (Koa, Inversify, MongoDB, pino) or Node builtin leaks into a use case; only domain, ' +
  'application, io-ts and fp-ts.';
const ADAPTERS_WHY =
  'adapters must not reach into infrastructure: the composition root wires adapters, so an adapter that ' +
  'imports config or the container would make the dependency point the wrong way (pass it what it needs).';

/** `no-restricted-imports` for every depth of a layer. */
function layerRule(layer, patternsAt) {
  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
    name: `layers/${layer}/depth-${depth}`,
    files: filesAtDepth(layer, depth),
    rules: { 'no-restricted-imports': ['error', { patterns: patternsAt(depth) }] },
  }));
}

const layerRules = [
  ...layerRule('domain', (depth) => [
    { regex: leavingFor(depth, ['domain']), message: DOMAIN_WHY },
    { regex: packagesOtherThan(PURE_LIBRARIES), message: DOMAIN_WHY },
  ]),
  ...layerRule('application', (depth) => [
    { regex: leavingFor(depth, ['domain', 'application']), message: APPLICATION_WHY },
    { regex: packagesOtherThan(PURE_LIBRARIES), message: APPLICATION_WHY },
  ]),
  ...layerRule('adapters', (depth) => [
    { regex: `^(?:\\.\\./){${depth + 1}}infrastructure(?:/|$)`, message: ADAPTERS_WHY },
  ]),
];

export default defineConfig(
  {
    name: 'ignores',
    ignores: ['dist/', 'node_modules/', 'coverage/', 'test-artifacts/'],
  },

  {
    name: 'javascript',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },

  {
    name: 'typescript',
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // fp-ts modules are namespaces of free functions (`TE.map`, `O.match`); passing them unbound to
      // `pipe` is the library's idiom and none of them uses `this`.
      '@typescript-eslint/unbound-method': 'off',
      // `_`-prefixed parameters are how an implementation says "the port gives me this, I do not need it"
      // (tsc's noUnusedParameters follows the same convention).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // Passing a caught `unknown` defect on unchanged is right (wrapping it would hide the original);
      // rejecting with a literal or an object of our own still is not.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },

  {
    name: 'tests',
    files: ['test/**/*.ts'],
    rules: {
      // chai's property assertions (`expect(x).to.be.true`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
      // supertest declares `response.body` as `any`, and a test reads it precisely to assert on it:
      // the chai assertion is the check, a cast in front of each one would add noise, not safety.
      // Production code keeps these rules (it decodes at the edge instead).
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  {
    name: 'import-cycles',
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // NodeNext source imports `./x.js` that exists as `./x.ts`.
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: {
      // A cycle makes module initialisation order matter (a class can be `undefined` at the time it
      // is bound) and blurs which layer owns what.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },

  ...layerRules,
);
