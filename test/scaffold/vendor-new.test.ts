import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';

import { expect } from 'chai';

const run = promisify(execFile);
const ORIGINAL = process.cwd();
const NAME = 'acme-video';
const EXCLUDED = new Set(['node_modules', '.git', 'dist']);
const COPY_ATTEMPTS = 3;
const RETRY_MS = 10_000;

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command in `cwd`; a non-zero exit is an outcome, not a throw. */
async function sh(cwd: string, command: string, args: readonly string[]): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const show = (outcome: Outcome): string => `exit ${outcome.code}\n${outcome.stdout}\n${outcome.stderr}`;

/** Every file of the tree with its content, to prove that a refused run changed nothing. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (EXCLUDED.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) files.set(relative(root, path), await readFile(path, 'utf-8'));
    }
  };
  await walk(root);
  return files;
}

describe('npm run vendor:new (on a copy of the repository)', function () {
  this.timeout(180_000);
  let copy = '';
  let scaffold: Outcome;

  before(async () => {
    // Others edit the real tree meanwhile: copy it until the copy typechecks on its own (a few
    // tries), so that a failure below is the scaffold's and not a half-saved file's.
    let baseline: Outcome | undefined;
    for (let attempt = 1; attempt <= COPY_ATTEMPTS; attempt += 1) {
      if (copy !== '') await rm(copy, { recursive: true, force: true });
      copy = await mkdtemp(join(tmpdir(), 'vendor-new-'));
      await cp(ORIGINAL, copy, { recursive: true, filter: (source) => !EXCLUDED.has(basename(source)) });
      await symlink(join(ORIGINAL, 'node_modules'), join(copy, 'node_modules'), 'dir');
      baseline = await sh(copy, 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
      if (baseline.code === 0) break;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    if (baseline?.code !== 0) {
      expect.fail(`the repository did not typecheck before scaffolding (${COPY_ATTEMPTS} copies): ${baseline === undefined ? '' : show(baseline)}`);
    }
    scaffold = await sh(copy, 'npm', ['run', '--silent', 'vendor:new', '--', NAME]);
  });

  after(async () => {
    if (copy !== '') await rm(copy, { recursive: true, force: true });
  });

  it('scaffolds a vendor that typechecks', async () => {
    expect(scaffold.code, show(scaffold)).to.equal(0);
    expect(scaffold.stdout).to.contain(`src/adapters/vendors/${NAME}/${NAME}-video-vendor.ts`).and.contain('Next steps');
    const typecheck = await sh(copy, 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
    expect(typecheck.code, `tsc on the scaffolded copy: ${show(typecheck)}`).to.equal(0);
  });

  it('passes the vendor contract suite as generated, findCreated included', async () => {
    const mocha = await sh(copy, 'npx', ['mocha', '--reporter', 'json', `test/contract/${NAME}.contract.test.ts`]);
    expect(mocha.code, show(mocha)).to.equal(0);
    const report = JSON.parse(mocha.stdout.slice(mocha.stdout.indexOf('{'))) as { passes: readonly { title: string }[] };
    expect(report.passes.length, show(mocha)).to.be.at.least(5);
    // The placeholder remembers what it made: every findCreated promise is kept, none left pending.
    const passed = report.passes.map((test) => test.title);
    expect(passed.filter((title) => title.startsWith('findCreated ')), show(mocha)).to.have.members([
      'findCreated finds the meeting a create made, by its reference',
      'findCreated finds nothing for a meeting never created, even beside another one',
      'findCreated no longer finds a meeting deleted since',
    ]);
  });

  it('marks each place to fill in', async () => {
    for (const file of ['config', 'video-vendor', 'plugin']) {
      expect(await readFile(join(copy, `src/adapters/vendors/${NAME}/${NAME}-${file}.ts`), 'utf-8')).to.contain('TODO(vendor):');
    }
    expect(await readFile(join(copy, `test/contract/${NAME}.contract.test.ts`), 'utf-8')).to.contain('TODO(vendor):').and.contain('nock');
  });

  it('registers the vendor, with an up-to-date manifest', async () => {
    const registry = await readFile(join(copy, 'src/adapters/vendors/registry.ts'), 'utf-8');
    expect(registry).to.contain(`import { acmeVideoPlugin } from './${NAME}/${NAME}-plugin.js';`);
    expect(/export const vendorPlugins[^=]*= \[[^\]]*\bacmeVideoPlugin\b/.test(registry), registry).to.be.true;
    const listed = await sh(copy, 'npx', [
      'tsx',
      '-e',
      "import('./src/adapters/vendors/registry.ts').then((r) => console.log(r.vendorPlugins.map((p) => p.id).join(',')))",
    ]);
    expect(listed.stdout.trim().split(','), show(listed)).to.include(NAME);
    expect((await stat(join(copy, `manifests/${NAME}.json`))).isFile()).to.be.true;
    const check = await sh(copy, 'npm', ['run', '--silent', 'manifests', '--', '--check']);
    expect(check.code, show(check)).to.equal(0);
  });

  it('refuses the same name again, with exit 1 and nothing changed', async () => {
    const before = await snapshot(copy);
    const again = await sh(copy, 'npm', ['run', '--silent', 'vendor:new', '--', NAME]);
    expect(again.code, show(again)).to.not.equal(0);
    expect(again.stderr).to.contain('already exists');
    expect(await snapshot(copy)).to.deep.equal(before);
  });

  it('refuses a bad name, with exit 1 and nothing changed', async () => {
    const before = await snapshot(copy);
    const bad = await sh(copy, 'npm', ['run', '--silent', 'vendor:new', '--', 'Bad_Name']);
    expect(bad.code, show(bad)).to.not.equal(0);
    expect(bad.stderr).to.contain('is not a vendor name');
    expect(await snapshot(copy)).to.deep.equal(before);
  });
});
