/**
 * `npm run vendor:new -- <name>`: scaffolds a new video vendor that compiles and passes the vendor
 * contract suite as generated, so a team starts from green and replaces the placeholder behaviour
 * with real HTTP calls piece by piece. Every place to fill in says `TODO(vendor): ...`.
 *
 * Writes `src/adapters/vendors/<name>/` (config, video vendor, plugin), the registry entry,
 * `manifests/<name>.json` (through `npm run manifests`) and `test/contract/<name>.contract.test.ts`.
 * A bad or taken name is refused with one line and exit code 1, before anything is written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAME = /^[a-z][a-z0-9-]{1,31}$/;
const REGISTRY = 'src/adapters/vendors/registry.ts';
const VENDOR_LIST = /(export const vendorPlugins: readonly VendorPlugin\[\] = \[)([\s\S]*?)(\];)/;
const LINE_WIDTH = 120;

interface VendorNames {
  /** `acme-video`: the vendor id, folder and file prefix. */
  readonly id: string;
  /** `AcmeVideo`. */
  readonly pascal: string;
  /** `acmeVideo`. */
  readonly camel: string;
  /** `ACME_VIDEO`: the prefix of its environment variables and constants. */
  readonly constant: string;
  /** `Acme Video`: a first guess at the name people know it by. */
  readonly display: string;
}

function vendorNames(id: string): VendorNames {
  const words = id.split('-').filter((word) => word !== '');
  const capitalized = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  const pascal = capitalized.join('');
  return {
    id,
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    constant: words.map((word) => word.toUpperCase()).join('_'),
    display: capitalized.join(' '),
  };
}

function configFile(n: VendorNames): string {
  return `import * as E from 'fp-ts/lib/Either.js';

import { serviceUrl } from '../config-values.js';
import type { VendorEnvironment } from '../vendor-plugin.js';

/** What a ${n.display} deployment needs, decoded from the environment. */
export interface ${n.pascal}Config {
  /** ${n.display}'s API base, checked by \`serviceUrl\`, no trailing slash. */
  readonly apiUrl: string;
  /** The deployment's API key at ${n.display}. A secret: never log it, never put it in a message. */
  readonly apiKey: string;
  // TODO(vendor): add one field per further variable the vendor needs (OAuth client, webhook secret,
  // call budget in ms, ...), and list the variable in ${n.constant}_VARIABLES below.
}

export const ${n.constant}_VARIABLES = ['${n.constant}_API_URL', '${n.constant}_API_KEY'] as const;

/**
 * One line per missing or invalid variable, all at once. Secrets are only ever said to be missing,
 * never shown; URLs are shown as given, since they are not secret.
 */
export function decode${n.pascal}Config({ env, production }: VendorEnvironment): E.Either<readonly string[], ${n.pascal}Config> {
  const problems: string[] = [];
  const given = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const required = (name: string): string => {
    const value = given(name);
    if (value === undefined) problems.push(\`\${name} is required when VIDEO_VENDOR=${n.id}\`);
    return value ?? '';
  };
  const url = (name: string): string => {
    // TODO(vendor): if ${n.display} has one public API address, make it the default here
    // (\`given(name) ?? 'https://api.example.com/v1'\`) instead of requiring the variable.
    const value = required(name);
    if (value === '') return '';
    const checked = serviceUrl(name, value, production);
    if (E.isLeft(checked)) {
      problems.push(checked.left);
      return '';
    }
    return checked.right.url;
  };

  const config: ${n.pascal}Config = {
    apiUrl: url('${n.constant}_API_URL'),
    apiKey: required('${n.constant}_API_KEY'),
  };
  return problems.length === 0 ? E.right(config) : E.left(problems);
}
`;
}

function vendorFile(n: VendorNames): string {
  return `import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';

import type {
  NewVendorMeeting,
  VendorCall,
  VendorMeeting,
  VendorMeetingRef,
  VideoVendor,
} from '../../../application/ports/video-vendor.js';
import type { VendorError } from '../../../domain/errors.js';
import type { VendorId } from '../../../domain/ids.js';
import type { MeetingDetails } from '../../../domain/meeting-details.js';
import type { StubFaults, StubOperation } from '../stub/stub-faults.js';
import type { ${n.pascal}Config } from './${n.id}-config.js';

export const ${n.constant}_VENDOR_ID = '${n.id}' as VendorId;
// TODO(vendor): the name people know the vendor by, as Pipedrive shows it.
export const ${n.constant}_DISPLAY_NAME = '${n.display}';

/**
 * ${n.display} as a \`VideoVendor\`.
 *
 * PLACEHOLDER: as generated it calls nobody. Like the stub vendor it answers from memory (the same
 * meeting id always gives the same reference; the join URL lies under ${n.constant}_API_URL) and its
 * failures come from an injected switchboard (\`StubFaults\`), so it passes the contract suite from
 * the start. Replace it one operation at a time with real HTTP calls to \`config.apiUrl\`:
 * - pass \`call.signal\` to every request, and answer \`VendorTimeout\` when it aborts;
 * - map each vendor answer to a tagged \`VendorError\` (404 on update: \`VendorMeetingGone\`; 404 on
 *   delete: success; 429: \`VendorRateLimited\`; 5xx or an undecodable body: \`VendorUnavailable\`;
 *   other 4xx: \`VendorRejected\`; a refused key or token: \`VendorTokenRejected\`); never throw;
 * - switch its contract test's remote from the switchboard to nock at the same time.
 * When no operation uses \`placeholder\` and \`made\` any more, delete them (here, in the plugin and
 * in the test). \`findCreated\` reads \`made\`, so it is replaced together with \`createMeeting\`:
 * the contract suite fails on it until it asks the vendor.
 */
export class ${n.pascal}VideoVendor implements VideoVendor {
  readonly id = ${n.constant}_VENDOR_ID;
  readonly displayName = ${n.constant}_DISPLAY_NAME;
  // TODO(vendor): how a user connects their ${n.display} account at install: 'none' (one key for the
  // whole deployment, as here), 'account_key' (each user pastes a key) or 'oauth'; see VendorConnection.
  readonly connection = { kind: 'none' } as const;

  /** PLACEHOLDER: the references of the meetings it made and has not deleted, as the vendor's own list would show them. */
  private readonly made = new Set<string>();

  constructor(
    private readonly config: ${n.pascal}Config,
    // TODO(vendor): the placeholder's remote side; remove once every operation makes real HTTP calls.
    private readonly placeholder: StubFaults,
  ) {}

  createMeeting(call: VendorCall, input: NewVendorMeeting): TE.TaskEither<VendorError, VendorMeeting> {
    // TODO(vendor): POST the meeting (input.details: topic, start, duration) to \`\${this.config.apiUrl}/...\`
    // with \`this.config.apiKey\`, and return the vendor's id, join URL and passcode. Never return a host URL.
    return this.answer('create', call.signal, () => {
      const vendorRef = placeholderRef(input.meetingId);
      this.made.add(vendorRef);
      return { vendorRef, joinUrl: \`\${this.config.apiUrl}/meetings/\${encodeURIComponent(vendorRef)}\` };
    });
  }

  updateMeeting(call: VendorCall, _ref: VendorMeetingRef, _details: MeetingDetails): TE.TaskEither<VendorError, void> {
    // TODO(vendor): PATCH the meeting \`_ref.vendorRef\` with \`_details\`; a meeting the vendor no longer
    // has is VendorMeetingGone.
    return this.answer('update', call.signal, () => undefined);
  }

  deleteMeeting(call: VendorCall, ref: VendorMeetingRef): TE.TaskEither<VendorError, void> {
    // TODO(vendor): DELETE the meeting \`ref.vendorRef\`; a meeting the vendor no longer has is a SUCCESS.
    return this.answer('delete', call.signal, () => {
      this.made.delete(ref.vendorRef);
    });
  }

  /**
   * The references of the meetings a create for \`input\` made at ${n.display} (started at \`since\`),
   * for the reconciler to delete when that create's answer never reached us (a timeout, a crash
   * before our store write). Empty when there is none; a failure is a tagged \`VendorError\`, never
   * "nothing there".
   *
   * As generated it reads the placeholder's memory, so it is exact. Against the real vendor, prefer
   * exact too: make the meeting carry our meeting id where the vendor allows (a name derived from
   * it, as Daily's rooms are; an external id or idempotency key field) and look it up; only a vendor
   * that cannot carry it is searched by matching the details as \`createMeeting\` sent them among
   * the meetings created since \`since\` (as Zoom is). A vendor with nothing at its side answers [].
   */
  findCreated(call: VendorCall, input: NewVendorMeeting, _since: Date): TE.TaskEither<VendorError, readonly string[]> {
    return async () => {
      if (call.signal.aborted) return E.left({ _tag: 'VendorTimeout', message: 'the call’s budget was spent before it started' });
      const vendorRef = placeholderRef(input.meetingId);
      return E.right(this.made.has(vendorRef) ? [vendorRef] : []);
    };
  }

  /** PLACEHOLDER (TODO(vendor): remove with \`placeholder\`): the stub's answer, driven by the switchboard. */
  private answer<A>(operation: StubOperation, signal: AbortSignal, succeed: () => A): TE.TaskEither<VendorError, A> {
    return async () => {
      if (signal.aborted) return E.left({ _tag: 'VendorTimeout', message: 'the call’s budget was spent before it started' });
      const fault = this.placeholder.take(operation);
      if (fault === undefined) return E.right(succeed());
      switch (fault.kind) {
        case 'fail':
          return E.left(fault.error);
        case 'hang':
          await aborted(signal);
          return E.left({ _tag: 'VendorTimeout', message: '${n.display} did not answer in time' });
        case 'delay':
          await Promise.race([sleep(fault.ms), aborted(signal)]);
          return signal.aborted ? E.left({ _tag: 'VendorTimeout', message: '${n.display} was too slow' }) : E.right(succeed());
        case 'crash':
          // Crash drills kill a whole process; they belong to the stub vendor, not to a real one.
          return E.left({ _tag: 'VendorUnavailable', message: 'crash drills are for the stub vendor only' });
      }
    };
  }
}

/** PLACEHOLDER: the same meeting id always gives the same reference. */
const placeholderRef = (meetingId: string): string => \`${n.id}-\${meetingId}\`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
`;
}

function pluginFile(n: VendorNames): string {
  return `import { ContainerModule } from 'inversify';

import { VideoVendor } from '../../../application/ports/video-vendor.js';
import { StubFaults } from '../stub/stub-faults.js';
import { vendorPlugin } from '../vendor-plugin.js';
import { ${n.constant}_VARIABLES, decode${n.pascal}Config, type ${n.pascal}Config } from './${n.id}-config.js';
import { ${n.constant}_DISPLAY_NAME, ${n.constant}_VENDOR_ID, ${n.pascal}VideoVendor } from './${n.id}-video-vendor.js';

/** ${n.display}: \`VIDEO_VENDOR=${n.id}\`. */
export const ${n.camel}Plugin = vendorPlugin<${n.pascal}Config>({
  id: ${n.constant}_VENDOR_ID,
  displayName: ${n.constant}_DISPLAY_NAME,
  variables: ${n.constant}_VARIABLES,
  decodeConfig: decode${n.pascal}Config,
  module: (config) =>
    new ContainerModule(({ bind }) => {
      // TODO(vendor): once ${n.pascal}VideoVendor makes real HTTP calls, drop the placeholder
      // switchboard (\`new StubFaults()\`) and pass what it needs instead (a clock, retry settings, ...).
      bind<VideoVendor>(VideoVendor).toConstantValue(new ${n.pascal}VideoVendor(config, new StubFaults()));
      // TODO(vendor): bind whatever else the vendor adds (an HttpRouteContributor for its webhooks, say).
    }),
});
`;
}

function contractTestFile(n: VendorNames): string {
  return `import { expect } from 'chai';

import type { VendorCall } from '../../src/application/ports/video-vendor.js';
import { decode${n.pascal}Config } from '../../src/adapters/vendors/${n.id}/${n.id}-config.js';
import { ${n.constant}_VENDOR_ID, ${n.pascal}VideoVendor } from '../../src/adapters/vendors/${n.id}/${n.id}-video-vendor.js';
import { StubFaults } from '../../src/adapters/vendors/stub/stub-faults.js';
import type { VendorError } from '../../src/domain/errors.js';
import { expectRight } from '../support/either.js';
import { aLink } from '../support/fixtures.js';
import {
  ALL_VENDOR_FAILURES,
  describeVideoVendorContract,
  type VendorFailureKind,
  type VendorOperation,
  type VendorRemote,
} from './video-vendor.contract.js';

const ${n.constant}_API_ORIGIN = 'https://api.${n.id}.contract.test';

/**
 * ${n.display}'s remote side while its adapter is the generated placeholder: the switchboard, each
 * failure armed as the tagged error a real adapter answers for it.
 *
 * TODO(vendor): when an operation makes real HTTP calls, arm nock here instead, the way
 * \`ZoomNockRemote\` in video-vendor.contract.test.ts does: \`nock(${n.constant}_API_ORIGIN)\` with the
 * expected method, path and API key header, \`.reply(...)\` with the vendor's real answer for
 * \`willCreate\`/\`willUpdate\`/\`willDelete\`/\`willFind\` (keep the meetings created and not deleted,
 * so that \`willFind\` answers what the vendor would list), the vendor's real 404/429/5xx/4xx bodies
 * for \`willFail\`, \`.delay(30_000)\` for 'hang', and \`scope.done()\` in \`done\`.
 */
class ${n.pascal}Remote implements VendorRemote {
  constructor(private readonly faults: StubFaults) {}

  willCreate(): void {}
  willUpdate(): void {}
  willDelete(): void {}
  // The placeholder's findCreated reads its own memory: nothing to arm.
  willFind(): void {}

  willFail(op: VendorOperation, kind: VendorFailureKind): void {
    if (op === 'find') return expect.fail(\`${n.display} declared no findCreated failures, yet the suite armed \${kind}\`);
    const fail = (error: VendorError): void => this.faults.arm(op, { kind: 'fail', error });
    switch (kind) {
      case 'gone':
        // A delete of a meeting the vendor no longer has succeeds: nothing to arm.
        if (op !== 'delete') fail({ _tag: 'VendorMeetingGone', message: 'the meeting is gone at ${n.display}' });
        return;
      case 'rate_limited':
        return fail({ _tag: 'VendorRateLimited', message: '${n.display} limits our rate', retryAfterSeconds: 1 });
      case 'unavailable':
        return fail({ _tag: 'VendorUnavailable', message: '${n.display} failed' });
      case 'rejected':
        return fail({ _tag: 'VendorRejected', message: '${n.display} refused the request' });
      case 'hang':
        return this.faults.arm(op, { kind: 'hang' });
    }
  }

  done(): void {
    expect(this.faults.pending(), 'failures armed that no call used').to.equal(0);
  }
}

describeVideoVendorContract('${n.pascal}VideoVendor', () => {
  // TODO(vendor): with nock: \`nock.disableNetConnect()\` here, and \`nock.cleanAll()\` plus
  // \`nock.enableNetConnect()\` in cleanup.
  const faults = new StubFaults();
  const config = expectRight(
    decode${n.pascal}Config({
      env: { ${n.constant}_API_URL: ${n.constant}_API_ORIGIN, ${n.constant}_API_KEY: '${n.id}-contract-key' },
      production: true,
      publicBaseUrl: 'https://video.example.test',
    }),
  );
  return Promise.resolve({
    vendor: new ${n.pascal}VideoVendor(config, faults),
    remote: new ${n.pascal}Remote(faults),
    // TODO(vendor): declare only the failures ${n.display}'s API can really produce (all of them, for
    // a vendor with a meeting API; see \`failures\` in VideoVendorSubject), and drop \`findFailures\`
    // (the switchboard cannot fail a findCreated) once findCreated asks the vendor.
    failures: ALL_VENDOR_FAILURES,
    findFailures: [],
    call: (signal: AbortSignal = new AbortController().signal): VendorCall => ({ link: aLink({ vendor: ${n.constant}_VENDOR_ID }), signal }),
    cleanup: () => {
      faults.clear();
      return Promise.resolve();
    },
  });
});
`;
}

/** The registry with `plugin` imported (in path order among the imports) and appended to the list. */
function registryWith(source: string, n: VendorNames): string {
  const importPath = `./${n.id}/${n.id}-plugin.js`;
  const importLine = `import { ${n.camel}Plugin } from '${importPath}';`;
  const match = VENDOR_LIST.exec(source);
  if (match === null) throw new Error(`${REGISTRY} has no \`export const vendorPlugins: readonly VendorPlugin[] = [...];\` to add to`);
  const [whole, head = '', body = '', tail = ''] = match;
  const items = [...body.split(',').map((item) => item.trim()).filter((item) => item !== ''), `${n.camel}Plugin`];
  const oneLine = `${head}${items.join(', ')}${tail}`;
  const list = oneLine.length <= LINE_WIDTH ? oneLine : `${head}\n${items.map((item) => `  ${item},\n`).join('')}${tail}`;
  const withList = source.replace(whole, list);

  const lines = withList.split('\n');
  const imports = lines
    .map((line, index) => ({ index, path: /^import .* from '(\.[^']*)';$/.exec(line)?.[1] }))
    .filter((found): found is { index: number; path: string } => found.path !== undefined);
  const last = imports.at(-1);
  if (last === undefined) throw new Error(`${REGISTRY} has no relative imports to add to`);
  const before = imports.find((found) => found.path > importPath);
  lines.splice(before === undefined ? last.index + 1 : before.index, 0, importLine);
  return lines.join('\n');
}

function refuse(message: string): never {
  process.stderr.write(`vendor:new: ${message}\n`);
  process.exit(1);
}

function main(argv: readonly string[]): void {
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const args = argv.filter((arg) => arg !== '--');
  if (args.length !== 1) refuse('usage: npm run vendor:new -- <name>  (name: lower-case letters, digits and -, 2 to 32 long)');
  const id = args[0] ?? '';
  if (!NAME.test(id) || id.endsWith('-') || id.includes('--')) {
    refuse(`${JSON.stringify(id)} is not a vendor name: it must match ^[a-z][a-z0-9-]{1,31}$ (no trailing or doubled -)`);
  }
  const n = vendorNames(id);
  const folder = join(root, 'src/adapters/vendors', id);
  const files = new Map<string, string>([
    [join(folder, `${id}-config.ts`), configFile(n)],
    [join(folder, `${id}-video-vendor.ts`), vendorFile(n)],
    [join(folder, `${id}-plugin.ts`), pluginFile(n)],
    [join(root, 'test/contract', `${id}.contract.test.ts`), contractTestFile(n)],
  ]);
  const registryPath = join(root, REGISTRY);
  const registry = readFileSync(registryPath, 'utf-8');
  const taken = [folder, join(root, 'manifests', `${id}.json`), ...files.keys()].find((path) => existsSync(path));
  if (taken !== undefined) refuse(`vendor ${JSON.stringify(id)} already exists (${relative(root, taken)} is there)`);
  if (new RegExp(`\\b${n.camel}Plugin\\b|'${id}' as VendorId`).test(registry)) {
    refuse(`vendor ${JSON.stringify(id)} already exists (${REGISTRY} names it)`);
  }
  let newRegistry: string;
  try {
    newRegistry = registryWith(registry, n);
  } catch (error: unknown) {
    refuse(error instanceof Error ? error.message : String(error));
  }

  mkdirSync(folder, { recursive: true });
  for (const [path, content] of files) writeFileSync(path, content, { flag: 'wx' });
  writeFileSync(registryPath, newRegistry);
  const created = [...files.keys(), registryPath].map((path) => relative(root, path));

  // The same code as `npm run manifests`, in a fresh process so that it sees the new registry.
  const manifests = spawnSync(process.execPath, ['--import', 'tsx', 'src/infrastructure/manifests-command.ts'], {
    cwd: root,
    encoding: 'utf-8',
  });
  if (manifests.status !== 0) {
    process.stderr.write(manifests.stdout + manifests.stderr);
    refuse(`created ${created.join(', ')}, but writing manifests/${id}.json failed: fix the cause and run npm run manifests`);
  }

  process.stdout.write(
    [
      `Created vendor ${id} (${n.display}):`,
      ...created.map((path) => `  ${path === REGISTRY ? `${path} (entry added)` : path}`),
      `  manifests/${id}.json`,
      '',
      'It compiles and passes the vendor contract suite as it is: its behaviour is an in-memory placeholder.',
      'Next steps (each place is marked TODO(vendor)):',
      `  1. npx mocha test/contract/${id}.contract.test.ts   (green from the start)`,
      `  2. ${id}-config.ts: the variables the vendor needs (${n.constant}_API_URL and ${n.constant}_API_KEY so far).`,
      `  3. ${id}-video-vendor.ts: replace the placeholder with real HTTP calls, one operation at a time,`,
      `     switching test/contract/${id}.contract.test.ts to nock for each, and declaring the failures it can produce.`,
      `  4. ${id}-plugin.ts: drop the placeholder switchboard; bind the vendor's webhooks or pages if any.`,
      `  5. Run it: VIDEO_VENDOR=${id} ${n.constant}_API_URL=... ${n.constant}_API_KEY=... npm run dev; then npm test.`,
      '',
    ].join('\n'),
  );
}

main(process.argv.slice(2));
