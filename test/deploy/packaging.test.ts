import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

import { validateWorkflow } from '@action-validator/core';
import { expect } from 'chai';
import { DockerfileParser, type Instruction, JSONInstruction, ModifiableInstruction } from 'dockerfile-ast';
import * as E from 'fp-ts/lib/Either.js';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { pino } from 'pino';
import { parse, parseAllDocuments } from 'yaml';

import { vendorPlugins } from '../../src/adapters/vendors/registry.js';
import { loadConfig } from '../../src/infrastructure/config.js';
import { type RunningService, startService } from '../../src/infrastructure/server.js';
import { freePort } from '../support/processes.js';
import { testConfig } from '../support/service.js';

/**
 * What can be checked of the packaging without a Docker engine or a cluster: the Dockerfile and
 * the Kubernetes manifests are read with real parsers, validated against Kubernetes' schemas
 * (kubernetes-models), and held against the service itself (its routes, its configuration).
 * Hosted CI (.github/workflows/ci.yml) builds and runs the image for real.
 */

const read = (path: string): string => readFileSync(path, 'utf8');
const VENDORS = vendorPlugins.map((plugin) => plugin.id as string).sort();

// ------------------------------------------------------------------------------------------------
// Dockerfile

interface Stage {
  readonly name: string | null;
  readonly instructions: Instruction[];
}

function stagesOf(content: string): Stage[] {
  const stages: { name: string | null; instructions: Instruction[] }[] = [];
  for (const instruction of DockerfileParser.parse(content).getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const name = /\bAS\s+(\S+)\s*$/i.exec(instruction.getArgumentsContent() ?? '')?.[1] ?? null;
      stages.push({ name, instructions: [] });
    }
    stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

const keyword = (stage: Stage, word: string): Instruction[] => stage.instructions.filter((i) => i.getKeyword() === word);
/** The arguments, flags (`--from=...`) left out. */
const args = (instruction: Instruction): string[] =>
  instruction
    .getArguments()
    .map((argument) => argument.getValue())
    .filter((value) => !value.startsWith('--'));
const copyFrom = (instruction: Instruction): string | undefined =>
  instruction instanceof ModifiableInstruction
    ? (instruction.getFlags().find((flag) => flag.getName() === 'from')?.getValue() ?? undefined)
    : undefined;
const jsonArgs = (instruction: Instruction): string[] => {
  expect(instruction, `${instruction.getKeyword()} in exec (JSON) form`).to.be.instanceOf(JSONInstruction);
  return (instruction as JSONInstruction).getJSONStrings().map((argument) => argument.getJSONValue());
};

describe('Dockerfile', () => {
  const stages = stagesOf(read('Dockerfile'));
  const final = stages.at(-1)!;

  it('builds in stages and ships only the compiled code, the production dependencies and package.json', () => {
    expect(stages.length, 'stages').to.be.at.least(2);
    const copies = keyword(final, 'COPY').map((copy) => ({ from: copyFrom(copy), args: args(copy) }));
    const modules = copies.find((copy) => copy.args[0] === '/app/node_modules');
    const dist = copies.find((copy) => copy.args[0] === '/app/dist');
    expect(modules?.from, 'node_modules comes from another stage').to.be.a('string');
    expect(dist?.from, 'dist comes from another stage').to.be.a('string');
    expect(copies.map((copy) => copy.args[0]).sort()).to.deep.equal(['/app/dist', '/app/node_modules', 'package.json']);

    // The stage node_modules comes from installs production dependencies only; dist/ is built.
    const depsStage = stages.find((stage) => stage.name === modules!.from)!;
    const depsRuns = keyword(depsStage, 'RUN').map((run) => run.getArgumentsContent() ?? '');
    expect(depsRuns.some((run) => /\bnpm ci\b.*--omit=dev/.test(run)), depsRuns.join('\n')).to.equal(true);
    const buildStage = stages.find((stage) => stage.name === dist!.from)!;
    expect(keyword(buildStage, 'RUN').map((run) => run.getArgumentsContent())).to.include('npm run build');
    expect(keyword(final, 'RUN'), 'nothing is installed in the final stage').to.have.length(0);
  });

  it('runs as a numeric non-root user (so Kubernetes runAsNonRoot can verify it)', () => {
    const users = keyword(final, 'USER').map((user) => args(user)[0] ?? '');
    expect(users).to.have.length(1);
    const [uid, gid] = users[0]!.split(':');
    expect(uid).to.match(/^\d+$/);
    expect(Number(uid)).to.be.greaterThan(0);
    if (gid !== undefined) expect(Number(gid)).to.be.greaterThan(0);
    // The same user the Deployment runs as.
    const pod = deploymentOf(parse(read('deploy/base/deployment.yaml'))).spec!.template.spec!;
    expect(pod.securityContext?.runAsUser).to.equal(Number(uid));
    expect(pod.securityContext?.runAsNonRoot).to.equal(true);
  });

  it('starts the compiled main.ts with node itself (signals reach the graceful stop), in production', () => {
    const cmd = jsonArgs(keyword(final, 'CMD')[0]!);
    expect(cmd[0]).to.equal('node');
    const script = cmd.at(-1)!;
    // tsconfig.build.json compiles src/ into dist/: the script is the build of a real source file.
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(script.startsWith(`${build.compilerOptions.outDir}/`), script).to.equal(true);
    const source = script.replace(`${build.compilerOptions.outDir}/`, `${build.compilerOptions.rootDir}/`).replace(/\.js$/, '.ts');
    expect(source).to.equal('src/infrastructure/main.ts');
    expect(existsSync(source)).to.equal(true);
    expect(keyword(final, 'ENTRYPOINT')).to.have.length(0);
    const env = keyword(final, 'ENV').map((e) => e.getArgumentsContent() ?? '').join(' ');
    expect(env).to.match(/\bNODE_ENV=production\b/);
  });

  it('exposes the port the service listens on, the one the Deployment names', () => {
    const env = keyword(final, 'ENV').map((e) => e.getArgumentsContent() ?? '').join(' ');
    const port = /\bPORT=(\d+)/.exec(env)?.[1];
    expect(keyword(final, 'EXPOSE').flatMap(args)).to.deep.equal([port]);
    const container = deploymentOf(parse(read('deploy/base/deployment.yaml'))).spec!.template.spec!.containers[0]!;
    expect(container.ports?.map((p) => String(p.containerPort))).to.deep.equal([port]);
  });

  describe('its HEALTHCHECK command, run against the service', () => {
    let service: RunningService | undefined;
    after(async () => {
      await service?.stop();
    });

    it('exits 0 while the service answers and 1 when nothing listens', async function () {
      this.timeout(20_000);
      const healthchecks = keyword(final, 'HEALTHCHECK');
      expect(healthchecks).to.have.length(1);
      const line = healthchecks[0]!.getArgumentsContent() ?? '';
      const command = JSON.parse(line.slice(line.indexOf('CMD') + 3).trim()) as string[];
      expect(command[0]).to.equal('node');
      expect(command.join(' ')).to.contain('/healthz');

      // Asynchronously: the service answers from this very process.
      const run = async (port: number): Promise<number | null> => {
        try {
          await promisify(execFile)(process.execPath, command.slice(1), { env: { PORT: String(port) }, timeout: 10_000 });
          return 0;
        } catch (error) {
          return (error as { code?: number | null }).code ?? null;
        }
      };
      service = await startService(testConfig({ PORT: String(await freePort()) }), pino({ level: 'silent' }));
      expect(await run(service.port), 'against the running service').to.equal(0);
      expect(await run(await freePort()), 'against a port nobody listens on').to.equal(1);
    });
  });

  it('has a .dockerignore that lets in only what the build stage copies', () => {
    const lines = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines[0], 'everything is excluded first').to.equal('*');
    const allowed = lines.slice(1).map((line) => {
      expect(line.startsWith('!'), line).to.equal(true);
      return line.slice(1);
    });
    const copied = stages
      .flatMap((stage) => keyword(stage, 'COPY'))
      .filter((copy) => copyFrom(copy) === undefined)
      .flatMap((copy) => args(copy).slice(0, -1));
    expect([...new Set(allowed)].sort()).to.deep.equal([...new Set(copied)].sort());
    for (const secretish of ['.env', 'node_modules', '.git', 'dist']) expect(allowed).not.to.include(secretish);
  });
});

// ------------------------------------------------------------------------------------------------
// Kubernetes

type Doc = Record<string, unknown> & { kind?: string; metadata?: { name?: string } };

const deploymentOf = (doc: unknown): Deployment => new Deployment(doc as Deployment);

function validate(doc: Doc): void {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    Deployment,
    Service,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    Namespace,
  };
  const Model = models[doc.kind ?? ''];
  expect(Model, `a model for kind ${String(doc.kind)}`).not.to.equal(undefined);
  new Model!(doc as never).validate();
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

const BASE = 'deploy/base';
const baseKustomization = parse(read(`${BASE}/kustomization.yaml`)) as { resources: string[] };
const baseDocs = (): Doc[] => baseKustomization.resources.map((file) => parse(read(`${BASE}/${file}`)) as Doc);
const baseDeployment = (): Deployment => deploymentOf(baseDocs().find((doc) => doc.kind === 'Deployment'));
const containerOf = (deployment: Deployment) => deployment.spec!.template.spec!.containers[0]!;
const overlays = readdirSync('deploy/overlays').sort();

/** The env of the patch in an overlay, by the strategic-merge rule for env (merge by name). */
function overlayEnv(vendor: string): EnvVar[] {
  const kustomization = parse(read(`deploy/overlays/${vendor}/kustomization.yaml`)) as { patches: { path: string }[] };
  const merged = new Map<string, EnvVar>((containerOf(baseDeployment()).env as EnvVar[]).map((e) => [e.name, e]));
  for (const patch of kustomization.patches) {
    const doc = parse(read(`deploy/overlays/${vendor}/${patch.path}`)) as Doc;
    if (doc.kind !== 'Deployment') continue;
    for (const container of (doc as unknown as Deployment).spec!.template.spec!.containers) {
      for (const e of (container.env ?? []) as EnvVar[]) merged.set(e.name, e);
    }
  }
  return [...merged.values()];
}

/** Values a deployer would put in the Secret, each of the shape its variable requires. */
function secretValue(key: string): string {
  const values: Record<string, () => string> = {
    MONGODB_URI: () => 'mongodb://mongo-0.mongo,mongo-1.mongo,mongo-2.mongo/?replicaSet=rs0',
    ENCRYPTION_KEY: () => randomBytes(32).toString('base64url'),
    ENCRYPTION_KEYS_PREVIOUS: () => randomBytes(32).toString('base64url'),
    ENCRYPTION_KEYS_NEXT: () => randomBytes(32).toString('base64url'),
    METRICS_TOKEN: () => randomBytes(24).toString('base64url'),
    JAAS_APP_ID: () => 'vpaas-magic-cookie-0123456789abcdef0123456789abcdef',
    JAAS_API_KEY_ID: () => 'vpaas-magic-cookie-0123456789abcdef0123456789abcdef/4f4910',
    JAAS_PRIVATE_KEY: () =>
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  return values[key]?.() ?? `placeholder-${key.toLowerCase()}`;
}

/** Secret by name: these must never be written into a manifest. */
const SECRET_NAME = /SECRET|_KEY$|_KEYS_|TOKEN|PASSWORD|^MONGODB_URI$/;

describe('Kubernetes manifests (deploy/)', () => {
  it('parse, and every base resource is valid against the Kubernetes schema of its kind', () => {
    for (const dir of [BASE, ...overlays.map((v) => `deploy/overlays/${v}`)]) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
        for (const doc of parseAllDocuments(read(`${dir}/${file}`))) {
          expect(doc.errors, `${dir}/${file}`).to.deep.equal([]);
        }
      }
    }
    const kinds = baseDocs().map((doc) => {
      validate(doc);
      return doc.kind;
    });
    expect(kinds.sort()).to.deep.equal(['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
  });

  it('has one overlay per vendor, the vendors that have a manifest in manifests/', () => {
    const manifests = readdirSync('manifests').filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    const hint = 'each vendor needs deploy/overlays/<vendor>/ (copy the stub overlay and set its variables)';
    expect(overlays, hint).to.deep.equal(manifests);
    expect(overlays, hint).to.deep.equal(VENDORS);
    for (const vendor of overlays) {
      const kustomization = parse(read(`deploy/overlays/${vendor}/kustomization.yaml`)) as Record<string, unknown>;
      expect(kustomization['resources'], vendor).to.include('../../base');
      expect(kustomization['namespace'], vendor).to.equal(`pipedrive-video-${vendor}`);
    }
  });

  describe('the probes hit the service’s real routes', () => {
    let service: RunningService | undefined;
    after(async () => {
      await service?.stop();
    });

    it('readiness on /readyz, liveness on /healthz, on the container’s port; both answer 200', async () => {
      const container = containerOf(baseDeployment());
      const readiness = container.readinessProbe?.httpGet;
      const liveness = container.livenessProbe?.httpGet;
      expect(readiness?.path).to.equal('/readyz');
      expect(liveness?.path).to.equal('/healthz');
      const portName = container.ports![0]!.name;
      expect(readiness?.port).to.equal(portName);
      expect(liveness?.port).to.equal(portName);
      expect(String(container.ports![0]!.containerPort)).to.equal((container.env as EnvVar[]).find((e) => e.name === 'PORT')?.value);

      service = await startService(testConfig({ PORT: String(await freePort()) }), pino({ level: 'silent' }));
      for (const path of [readiness!.path!, liveness!.path!]) {
        const response = await fetch(`http://127.0.0.1:${service.port}${path}`);
        expect(response.status, path).to.equal(200);
      }
    });
  });

  it('route the Service, the autoscaler and the disruption budget to the Deployment’s pods', () => {
    const docs = baseDocs();
    const deployment = baseDeployment();
    const podLabels = deployment.spec!.template.metadata!.labels!;
    const service = docs.find((doc) => doc.kind === 'Service') as unknown as Service;
    const hpa = docs.find((doc) => doc.kind === 'HorizontalPodAutoscaler') as unknown as HorizontalPodAutoscaler;
    const pdb = docs.find((doc) => doc.kind === 'PodDisruptionBudget') as unknown as PodDisruptionBudget;
    expect(podLabels).to.include(service.spec!.selector!);
    expect(podLabels).to.include(pdb.spec!.selector!.matchLabels!);
    expect(podLabels).to.include(deployment.spec!.selector.matchLabels!);
    expect(hpa.spec!.scaleTargetRef).to.include({ kind: 'Deployment', name: deployment.metadata!.name });
    expect(service.spec!.ports![0]!.targetPort).to.equal(containerOf(deployment).ports![0]!.name);
    expect(hpa.spec!.minReplicas, 'at least two replicas, so a disruption leaves one serving').to.be.at.least(2);
  });

  for (const vendor of overlays) {
    describe(`overlay ${vendor}`, () => {
      it('sets only variables the configuration reads, and they are enough for a production start', () => {
        const env = overlayEnv(vendor);
        const values: Record<string, string> = {};
        for (const e of env) values[e.name] = e.valueFrom?.secretKeyRef ? secretValue(e.valueFrom.secretKeyRef.key) : (e.value ?? '');
        const read = new Set<string>();
        const recording = new Proxy(values, {
          get: (target, name) => {
            if (typeof name === 'string') read.add(name);
            return target[name as string];
          },
        });
        const loaded = loadConfig(recording, vendorPlugins);
        expect(E.isRight(loaded) ? [] : loaded.left, 'configuration problems').to.deep.equal([]);
        const config = E.isRight(loaded) ? loaded.right : undefined;
        expect(config?.production).to.equal(true);
        expect(config?.vendor.id).to.equal(vendor);
        expect(config?.mongo, 'MongoDB, not the in-process store').not.to.equal(undefined);
        const unknown = env.map((e) => e.name).filter((name) => !read.has(name));
        expect(unknown, 'variables the configuration never reads').to.deep.equal([]);
      });

      it('takes every secret from the Secret by reference, never as a value', () => {
        for (const e of overlayEnv(vendor)) {
          const ref = e.valueFrom?.secretKeyRef;
          if (SECRET_NAME.test(e.name)) expect(ref, `${e.name} comes by secretKeyRef`).not.to.equal(undefined);
          if (ref !== undefined) {
            expect(e.value, e.name).to.equal(undefined);
            expect(ref, e.name).to.include({ name: 'pipedrive-video', key: e.name });
          }
        }
      });
    });
  }

  describe('rendered by kustomize (kubectl kustomize), when kubectl is installed', () => {
    const execFileAsync = promisify(execFile);
    const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

    for (const vendor of overlays) {
      it(`overlay ${vendor}: every resource is schema-valid, in its namespace, with the env read above`, async function () {
        if (!kubectl) this.skip();
        this.timeout(20_000);
        const { stdout } = await execFileAsync('kubectl', ['kustomize', `deploy/overlays/${vendor}`]);
        const docs = parseAllDocuments(stdout).map((doc) => doc.toJS() as Doc);
        for (const doc of docs) {
          validate(doc);
          if (doc.kind !== 'Namespace') expect((doc.metadata as { namespace?: string }).namespace).to.equal(`pipedrive-video-${vendor}`);
        }
        expect(docs.map((doc) => doc.kind).sort()).to.deep.equal(['Deployment', 'HorizontalPodAutoscaler', 'Namespace', 'PodDisruptionBudget', 'Service']);
        const deployment = deploymentOf(docs.find((doc) => doc.kind === 'Deployment'));
        const byName = (list: EnvVar[]) => Object.fromEntries(list.map((e) => [e.name, e]));
        expect(byName(containerOf(deployment).env as EnvVar[])).to.deep.equal(byName(overlayEnv(vendor)));
        expect(containerOf(deployment).image).to.match(/^[\w.-]+(?:\/[\w.-]+)+:[\w.-]+$/);
      });
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Hosted CI

describe('CI workflow (.github/workflows/ci.yml)', () => {
  const text = read('.github/workflows/ci.yml');
  const workflow = parse(text) as {
    jobs: Record<string, { services?: Record<string, { image: string }>; env?: Record<string, string>; steps: { run?: string }[] }>;
  };

  it('is a valid GitHub Actions workflow (its JSON schema)', () => {
    expect(validateWorkflow(text).errors).to.deep.equal([]);
  });

  it('runs the test command against a real mongo service container', () => {
    const job = Object.values(workflow.jobs).find((j) => j.steps.some((step) => step.run?.trim() === 'npm test'));
    expect(job, 'a job that runs npm test').not.to.equal(undefined);
    const [serviceName, service] = Object.entries(job!.services ?? {})[0] ?? [];
    expect(service?.image).to.match(/^mongo:7/);
    const uri = new URL(job!.env?.['MONGODB_URI'] ?? '');
    expect(uri.protocol).to.equal('mongodb:');
    expect(uri.hostname, 'the URI names the service container').to.equal(serviceName);
  });

  it('builds the image from this Dockerfile', () => {
    expect(text).to.match(/docker build [^\n]*\.\s*$/m);
  });
});
