/**
 * Every answer a test deployment gives is checked against the OpenAPI document that deployment
 * serves: the status must be documented for the route and method, the required headers present and
 * well-formed, the content type one the document lists, and a JSON body valid against its schema
 * (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it). So the document cannot drift from the code:
 * any HTTP test that sees an undocumented answer fails, naming the route, the status and the error.
 *
 * `testDeployment` wraps its callback with `checkedCallback`; the root hook below (registered
 * through "require" in .mocharc.json) fails the test during which a violation was seen.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

type Json = { readonly [key: string]: unknown };

/** One request and what the service really sent back. */
export interface AnsweredExchange {
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  readonly status: number;
  /** As `res.getHeaders()` gives them: lower-case names. */
  readonly headers: Readonly<Record<string, number | string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

const DOCUMENT_ID = 'urn:pipedrive-video:openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The answers the document's description promises for paths it does not list, or methods a path does not have. */
const UNLISTED_PATH_SCHEMA = problemSchema(['NOT_FOUND']);
const UNLISTED_METHOD_SCHEMA = problemSchema(['METHOD_NOT_ALLOWED', 'NOT_IMPLEMENTED']);

function problemSchema(codes: readonly string[]): Json {
  return {
    type: 'object',
    required: ['success', 'error'],
    additionalProperties: false,
    properties: {
      success: { const: false },
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: { code: { enum: codes }, message: { type: 'string', minLength: 1 } },
      },
    },
  };
}

const escapePointer = (segment: string): string => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));

/** Checks answers against one OpenAPI 3.1 document. */
export class OpenApiResponseChecker {
  // Not strict about unknown keywords: the whole document is added as one schema so that its
  // `#/components/...` references resolve, and its top level (`openapi`, `paths`) is not JSON Schema.
  private readonly ajv = new Ajv2020({ strictSchema: false, strictTypes: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: readonly { readonly template: string; readonly pattern: RegExp }[];
  /** `METHOD /template status` of every documented answer seen. */
  readonly seen = new Set<string>();

  constructor(private readonly document: Json) {
    addFormatsModule.default(this.ajv);
    // OpenAPI 3.1's base dialect adds these annotations to JSON Schema.
    for (const keyword of ['example', 'discriminator', 'xml', 'externalDocs']) this.ajv.addKeyword(keyword);
    this.ajv.addSchema(document, DOCUMENT_ID);
    // As OpenAPI matches: a concrete path before a templated one that would also match.
    const parameters = (template: string): number => template.split('{').length;
    this.templates = Object.keys((document['paths'] ?? {}) as Json)
      .sort((a, b) => parameters(a) - parameters(b))
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.split(/\{[^}/]+\}/).map(escapeRegExp).join('[^/]+')}$`),
      }));
  }

  /** What is wrong with this answer, one message each; empty when it is as documented. */
  problems(exchange: AnsweredExchange): string[] {
    const method = exchange.method.toLowerCase();
    const matched = this.templates.find(({ pattern }) => pattern.test(exchange.path));
    const where = `${exchange.method} ${matched?.template ?? exchange.path}`;
    const problems: string[] = [];
    const say = (message: string): void => void problems.push(`${where} answered ${exchange.status}: ${message}`);

    if (matched === undefined) {
      this.expectProblem(exchange, 404, UNLISTED_PATH_SCHEMA, 'path not in the document', say);
      return problems;
    }
    const pathPointer = `/paths/${escapePointer(matched.template)}`;
    const pathItem = this.at(pathPointer);
    const operationMethod = method === 'head' && pathItem['head'] === undefined ? 'get' : method;
    if (pathItem[operationMethod] === undefined) {
      if (method === 'options' && (exchange.status === 200 || exchange.status === 204)) return problems;
      const documented = METHODS.filter((m) => pathItem[m] !== undefined).map((m) => m.toUpperCase());
      this.expectProblem(exchange, 405, UNLISTED_METHOD_SCHEMA, `method not documented (only ${documented.join(', ')})`, say, 501);
      return problems;
    }

    const responsesPointer = `${pathPointer}/${operationMethod}/responses`;
    const responses = this.at(responsesPointer);
    const status = String(exchange.status);
    const key = [status, `${status[0]}XX`, 'default'].find((candidate) => responses[candidate] !== undefined);
    if (key === undefined) {
      say(`status not documented (documented: ${Object.keys(responses).join(', ')})`);
      return problems;
    }
    this.seen.add(`${operationMethod.toUpperCase()} ${matched.template} ${key}`);
    const { value: response, pointer: responsePointer } = this.followRef(this.at(`${responsesPointer}/${key}`), `${responsesPointer}/${key}`);

    this.checkHeaders(exchange, response, responsePointer, say);
    if (method !== 'head') this.checkBody(exchange, response, responsePointer, say);
    return problems;
  }

  /** `METHOD /template status` of every answer the document describes. */
  documentedAnswers(): string[] {
    const answers: string[] = [];
    for (const [template, item] of Object.entries((this.document['paths'] ?? {}) as Record<string, Json>)) {
      for (const method of METHODS.filter((m) => item[m] !== undefined)) {
        const responses = ((item[method] as Json)['responses'] ?? {}) as Json;
        for (const status of Object.keys(responses)) answers.push(`${method.toUpperCase()} ${template} ${status}`);
      }
    }
    return answers;
  }

  private checkHeaders(exchange: AnsweredExchange, response: Json, pointer: string, say: (message: string) => void): void {
    const headers = (response['headers'] ?? {}) as Json;
    for (const name of Object.keys(headers)) {
      const header = this.followRef(headers[name] as Json, `${pointer}/headers/${escapePointer(name)}`);
      const raw = exchange.headers[name.toLowerCase()];
      if (raw === undefined) {
        if (header.value['required'] === true) say(`required header ${name} is missing`);
        continue;
      }
      const text = Array.isArray(raw) ? raw.join(', ') : String(raw);
      const schema = (header.value['schema'] ?? {}) as Json;
      const numeric = schema['type'] === 'integer' || schema['type'] === 'number';
      const value = numeric && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
      const validate = this.validator(`${header.pointer}/schema`);
      if (!validate(value)) say(`header ${name}: ${JSON.stringify(text)} ${this.ajv.errorsText(validate.errors, { dataVar: 'value' })}`);
    }
  }

  private checkBody(exchange: AnsweredExchange, response: Json, pointer: string, say: (message: string) => void): void {
    const content = response['content'] as Json | undefined;
    if (content === undefined) {
      if (exchange.body.length > 0) say(`a body of ${exchange.body.length} bytes where the document says none`);
      return;
    }
    const contentType = exchange.headers['content-type'];
    const mediaType = typeof contentType === 'string' ? contentType.split(';')[0]!.trim().toLowerCase() : undefined;
    if (mediaType === undefined) {
      say(`no Content-Type (documented: ${Object.keys(content).join(', ')})`);
      return;
    }
    const documentedType = Object.keys(content).find((candidate) => mediaTypeMatches(candidate, mediaType));
    if (documentedType === undefined) {
      say(`Content-Type ${mediaType} is not documented (documented: ${Object.keys(content).join(', ')})`);
      return;
    }
    const mediaPointer = `${pointer}/content/${escapePointer(documentedType)}`;
    if ((content[documentedType] as Json)['schema'] === undefined) return;
    let body: unknown = exchange.body.toString('utf-8');
    if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
      try {
        body = JSON.parse(body as string);
      } catch {
        say('the body is not JSON');
        return;
      }
    }
    const validate = this.validator(`${mediaPointer}/schema`);
    if (!validate(body)) say(this.ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' }));
  }

  private expectProblem(
    exchange: AnsweredExchange,
    status: number,
    schema: Json,
    why: string,
    say: (message: string) => void,
    otherStatus?: number,
  ): void {
    if (exchange.status !== status && exchange.status !== otherStatus) {
      say(`${why}, so only ${status}${otherStatus === undefined ? '' : ` or ${otherStatus}`} is expected`);
      return;
    }
    if (exchange.headers['x-request-id'] === undefined) say('required header X-Request-Id is missing');
    let body: unknown;
    try {
      body = JSON.parse(exchange.body.toString('utf-8'));
    } catch {
      say('expected a JSON problem body');
      return;
    }
    const validate = this.ajv.compile(schema);
    if (!validate(body)) say(this.ajv.errorsText(validate.errors, { dataVar: 'body', separator: '; ' }));
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  /** The object a JSON pointer names in the document. */
  private at(pointer: string): Json {
    let node: unknown = this.document;
    for (const raw of pointer.split('/').slice(1)) {
      const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = typeof node === 'object' && node !== null ? (node as Json)[segment] : undefined;
    }
    return (node ?? {}) as Json;
  }

  /** A Reference Object's target, and where it is (for compiling schemas below it). */
  private followRef(value: Json, pointer: string): { value: Json; pointer: string } {
    let current = { value, pointer };
    for (let hops = 0; typeof current.value['$ref'] === 'string' && hops < 10; hops += 1) {
      const target = (current.value['$ref']).replace(/^#/, '');
      current = { value: this.at(target), pointer: target.split('/').map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/') };
    }
    return current;
  }
}

function mediaTypeMatches(documented: string, actual: string): boolean {
  const [type, subtype] = documented.toLowerCase().split('/');
  const [actualType, actualSubtype] = actual.split('/');
  return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type NodeCallback = (req: IncomingMessage, res: ServerResponse) => unknown;

/** The same request handler, with every answer it finishes checked; `report` gets each problem. */
export function checkedCallback<C extends NodeCallback>(callback: C, checker: OpenApiResponseChecker, report: (problem: string) => void): C {
  const checked = (req: IncomingMessage, res: ServerResponse): unknown => {
    const chunks: Buffer[] = [];
    const keep = (chunk: unknown, encoding: unknown): void => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf-8'));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((...args: unknown[]) => {
      keep(args[0], args[1]);
      return write(...args);
    }) as ServerResponse['write'];
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') keep(args[0], args[1]);
      return end(...args);
    }) as ServerResponse['end'];
    res.once('finish', () => {
      const exchange: AnsweredExchange = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://checked.invalid').pathname,
        status: res.statusCode,
        headers: res.getHeaders(),
        body: Buffer.concat(chunks),
      };
      try {
        shared.checked += 1;
        for (const problem of checker.problems(exchange)) report(problem);
      } catch (error) {
        report(`${exchange.method} ${exchange.path} answered ${exchange.status}: the check itself failed: ${String(error)}`);
      }
    });
    return callback(req, res);
  };
  return checked as C;
}

// Process-wide, like the MongoDB stand-in's state: mocha require()s this file for the root hook
// while suites import() it, and both must see the same list.
interface SharedState {
  violations: string[];
  checkers: Map<string, OpenApiResponseChecker>;
  /** How many answers were checked in this run. */
  checked: number;
}
const SHARED_STATE = Symbol.for('test/support/openapi-check.ts shared state');
const shared = ((globalThis as { [SHARED_STATE]?: SharedState })[SHARED_STATE] ??= { violations: [], checkers: new Map(), checked: 0 });

/** One checker per distinct document (deployments of one configuration serve the same one). */
export function checkerFor(document: object): OpenApiResponseChecker {
  const key = JSON.stringify(document);
  let checker = shared.checkers.get(key);
  if (checker === undefined) {
    checker = new OpenApiResponseChecker(document as Json);
    shared.checkers.set(key, checker);
  }
  return checker;
}

/** Records a violation; the root hook fails the test it happened in. */
export function reportViolation(problem: string): void {
  shared.violations.push(problem);
}

function takeViolations(): string[] {
  return shared.violations.splice(0, shared.violations.length);
}

const failure = (violations: readonly string[], during: string): Error =>
  new Error(
    `${violations.length} answer(s) ${during} do not match the OpenAPI document (src/adapters/http/openapi/):\n  ` +
      violations.join('\n  '),
  );

export const mochaHooks = {
  /**
   * A violation fails the test it happened in, as that test's own failure, so the run goes on
   * (a failing hook would skip every test after it). Tests written with a `done` callback, and
   * answers that finish after their test, are caught by the hooks below instead.
   */
  beforeEach(this: Mocha.Context): void {
    const test = this.currentTest;
    const original = test?.fn;
    if (test === undefined || original === undefined || original.length > 0) return;
    takeViolations();
    test.fn = async function (this: Mocha.Context): Promise<void> {
      await (original as (this: Mocha.Context) => unknown).call(this);
      const violations = takeViolations();
      if (violations.length > 0) throw failure(violations, 'in this test');
    };
  },
  afterEach(this: Mocha.Context): void {
    const violations = takeViolations();
    if (violations.length > 0) throw failure(violations, `during "${this.currentTest?.fullTitle() ?? 'a test'}"`);
  },
  afterAll(): void {
    if (shared.checked > 0) {
      const checkers = [...shared.checkers.values()];
      const documented = new Set(checkers.flatMap((checker) => checker.documentedAnswers()));
      const seen = new Set(checkers.flatMap((checker) => [...checker.seen]));
      const unseen = [...documented].filter((answer) => !seen.has(answer)).sort();
      console.log(
        `  OpenAPI: ${shared.checked} answers checked against ${checkers.length} deployment documents; ` +
          `${documented.size - unseen.length} of ${documented.size} documented answers seen` +
          (unseen.length > 0 && process.env['OPENAPI_UNSEEN'] === '1' ? `; never seen:\n    ${unseen.join('\n    ')}` : ''),
      );
    }
    const violations = takeViolations();
    if (violations.length > 0) throw failure(violations, 'outside any test (in a before/after hook)');
  },
};
