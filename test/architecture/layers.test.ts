import { fileURLToPath } from 'node:url';

import { expect } from 'chai';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * The layer and cycle rules of `eslint.config.js`, run through ESLint's own API on snippets placed
 * (virtually) in each layer: proof that the rules bite, not only that the tree happens to pass.
 * Type-aware rules are switched off here: they are slow and say nothing about imports.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: fileURLToPath(new URL('../../eslint.config.js', import.meta.url)),
  overrideConfig: tseslint.configs.disableTypeChecked as Linter.Config,
});

const DOMAIN_WHY = 'the domain is pure: it imports nothing outward';
const APPLICATION_WHY = 'the application depends on the domain only';
const ADAPTERS_WHY = 'adapters must not reach into infrastructure';

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (result === undefined) expect.fail(`ESLint returned no result for ${filePath}`);
  const fatal = result.messages.filter((message) => message.fatal === true);
  expect(fatal, `parsing ${filePath}`).to.deep.equal([]);
  return result.messages;
}

/** The layer messages for one import line in one file. */
async function restrictions(filePath: string, importLine: string): Promise<string[]> {
  const messages = await lint(filePath, `${importLine}\nexport const probe = 1;\n`);
  return messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

async function expectRefused(filePath: string, importLine: string, why: string): Promise<void> {
  const found = await restrictions(filePath, importLine);
  expect(found, `${filePath}: ${importLine}`).to.have.length(1);
  expect(found[0], `${filePath}: ${importLine}`).to.include(why);
}

async function expectAllowed(filePath: string, importLine: string): Promise<void> {
  expect(await restrictions(filePath, importLine), `${filePath}: ${importLine}`).to.deep.equal([]);
}

describe('layer rules (eslint.config.js)', function () {
  // The first lint loads the config and the TypeScript parser.
  this.timeout(30_000);

  describe('src/domain', () => {
    const file = 'src/domain/layer-probe.ts';

    it("refuses 'koa', with the reason", async () => {
      await expectRefused(file, "import Koa from 'koa';", DOMAIN_WHY);
    });

    it('refuses an adapter, with the reason', async () => {
      await expectRefused(file, "import { createApp } from '../adapters/http/app.js';", DOMAIN_WHY);
    });

    it('refuses the application, infrastructure and anything else outside src/domain', async () => {
      await expectRefused(file, "import type { Clock } from '../application/ports/clock.js';", DOMAIN_WHY);
      await expectRefused(file, "import { loadConfig } from '../infrastructure/config.js';", DOMAIN_WHY);
      await expectRefused(file, "import { x } from '../../scripts/x.js';", DOMAIN_WHY);
    });

    it('refuses frameworks and Node builtins', async () => {
      for (const module of ['inversify', 'mongodb', 'pino', 'jose', '@koa/router', 'node:crypto', 'crypto']) {
        await expectRefused(file, `import * as m from '${module}';`, DOMAIN_WHY);
      }
    });

    it('refuses re-exports and type-only imports from outside as well', async () => {
      await expectRefused(file, "export { createApp } from '../adapters/http/app.js';", DOMAIN_WHY);
      await expectRefused(file, "import type { Context } from 'koa';", DOMAIN_WHY);
    });

    it('allows other domain modules, io-ts and fp-ts', async () => {
      await expectAllowed(file, "import type { LinkId } from './ids.js';");
      await expectAllowed(file, "import * as t from 'io-ts';");
      await expectAllowed(file, "import { PathReporter } from 'io-ts/lib/PathReporter.js';");
      await expectAllowed(file, "import * as E from 'fp-ts/lib/Either.js';");
    });

    it('judges a nested domain file by its own depth', async () => {
      const nested = 'src/domain/rules/layer-probe.ts';
      await expectAllowed(nested, "import type { LinkId } from '../ids.js';");
      await expectRefused(nested, "import { createApp } from '../../adapters/http/app.js';", DOMAIN_WHY);
    });

    it('does not mistake a package whose name starts like an allowed one for it', async () => {
      await expectRefused(file, "import x from 'io-ts-extra';", DOMAIN_WHY);
      await expectRefused(file, "import x from 'fp-ts-std';", DOMAIN_WHY);
    });
  });

  describe('src/application', () => {
    const file = 'src/application/meetings/layer-probe.ts';

    it('refuses an adapter, with the reason', async () => {
      await expectRefused(
        file,
        "import { MemoryLinkRepository } from '../../adapters/persistence/memory/memory-link-repository.js';",
        APPLICATION_WHY,
      );
      await expectRefused('src/application/layer-probe.ts', "import { x } from '../adapters/http/app.js';", APPLICATION_WHY);
    });

    it('refuses infrastructure and frameworks', async () => {
      await expectRefused(file, "import { loadConfig } from '../../infrastructure/config.js';", APPLICATION_WHY);
      for (const module of ['koa', 'inversify', 'mongodb', 'pino', 'node:crypto']) {
        await expectRefused(file, `import * as m from '${module}';`, APPLICATION_WHY);
      }
    });

    it('allows the domain, the application, fp-ts and io-ts', async () => {
      await expectAllowed(file, "import type { LinkId } from '../../domain/ids.js';");
      await expectAllowed(file, "import type { Clock } from '../ports/clock.js';");
      await expectAllowed(file, "import { usableLink } from './steps.js';");
      await expectAllowed(file, "import * as TE from 'fp-ts/lib/TaskEither.js';");
      await expectAllowed(file, "import * as t from 'io-ts';");
    });
  });

  describe('src/adapters', () => {
    const file = 'src/adapters/http/layer-probe.ts';

    it('refuses infrastructure, with the reason', async () => {
      await expectRefused(file, "import { loadConfig } from '../../infrastructure/config.js';", ADAPTERS_WHY);
      await expectRefused('src/adapters/vendors/stub/layer-probe.ts', "import { x } from '../../../infrastructure/container/index.js';", ADAPTERS_WHY);
    });

    it('allows the application, the domain, other adapters and libraries', async () => {
      await expectAllowed(file, "import type { Clock } from '../../application/ports/clock.js';");
      await expectAllowed(file, "import type { LinkId } from '../../domain/ids.js';");
      await expectAllowed(file, "import { page } from './html.js';");
      await expectAllowed(file, "import Koa from 'koa';");
      await expectAllowed(file, "import { randomUUID } from 'node:crypto';");
    });
  });

  it('leaves infrastructure free to import everything (it is the composition root)', async () => {
    await expectAllowed('src/infrastructure/layer-probe.ts', "import { createApp } from '../adapters/http/app.js';");
  });

  it('finds an import cycle through a real module of the tree (time.ts <-> invitation.ts)', async () => {
    // invitation.ts imports time.ts; making time.ts import invitation.ts closes the loop. This also
    // proves the resolver maps NodeNext's `./x.js` to `./x.ts`: without it no-cycle sees nothing.
    const messages = await lint(
      'src/domain/time.ts',
      "import { defaultInvitation } from './invitation.js';\nexport const probe = defaultInvitation;\n",
    );
    expect(messages.map((message) => message.ruleId)).to.include('import-x/no-cycle');
  });

  it('finds no layer violation and no cycle in the current src tree', async () => {
    const results = await eslint.lintFiles(['src']);
    const offending = results.flatMap((result) =>
      result.messages
        .filter((message) => message.ruleId === 'no-restricted-imports' || message.ruleId === 'import-x/no-cycle')
        .map((message) => `${result.filePath}:${message.line} ${message.ruleId}: ${message.message}`),
    );
    expect(results.length).to.be.greaterThan(20);
    expect(offending).to.deep.equal([]);
  });
});
