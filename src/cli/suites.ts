// Policy test suites: YAML files of cases (input, context, expected verdict, rule ids, warnings
// and defaulted fields), run through the same offline evaluation as `review`.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { isObject, sameJSON, valueAtFieldPath } from '../api/json.js';
import type { Operation } from '../api/admission-types.js';
import type { AdmissionContext } from '../admission/context.js';
import { evaluateOffline, type OfflineResult } from './evaluate.js';
import { operatorConfigFrom } from '../defaults/config-document.js';
import { UsageError } from './io.js';
import { readManifests } from './manifests.js';

/** A rule id, or a rule id with the field it must report. */
export type ExpectedFinding = string | { rule: string; field?: string };

export interface SuiteCase {
  name: string;
  operation?: Operation;
  namespace?: string;
  object?: Record<string, unknown>;
  objectFile?: string;
  oldObject?: Record<string, unknown>;
  context?: unknown[];
  contextFiles?: string[];
  /** The operator config of this case, as `--config FILE` writes it (replaces the run's config). */
  config?: unknown;
  /** DELETE: false plays an API server that sends no oldObject (the object gives name and namespace). */
  oldObjectSent?: boolean;
  expect: {
    allowed?: boolean;
    code?: number;
    violations?: ExpectedFinding[];
    warnings?: ExpectedFinding[];
    /** Field path (dot notation, `[n]` for list items) → value in the stored object; null = absent. */
    defaulted?: Record<string, unknown>;
  };
}

export interface Suite {
  file: string;
  name: string;
  context: unknown[];
  cases: SuiteCase[];
}

export interface CaseOutcome {
  suite: string;
  name: string;
  failures: string[];
  result?: OfflineResult;
}

export async function findSuiteFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    throw new UsageError(
      `${dir}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}`,
    );
  }
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

async function contextOf(files: string[] | undefined, base: string): Promise<unknown[]> {
  const objects: unknown[] = [];
  for (const file of files ?? [])
    objects.push(...(await readManifests(resolve(base, file))).map((m) => m.object));
  return objects;
}

export async function loadSuite(file: string): Promise<Suite> {
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(document) || !Array.isArray(document.cases))
    throw new UsageError(`${file}: a suite needs a list "cases"`);
  const base = dirname(file);
  const cases = document.cases as SuiteCase[];
  for (const [i, c] of cases.entries()) {
    const where = `${file}: cases[${i}]`;
    if (!isObject(c) || typeof c.name !== 'string') throw new UsageError(`${where}: a case needs a name`);
    if (!isObject(c.expect)) throw new UsageError(`${where} (${c.name}): a case needs "expect"`);
    if (c.objectFile) {
      const manifests = await readManifests(resolve(base, c.objectFile));
      if (manifests.length !== 1) throw new UsageError(`${where}: objectFile must hold one object`);
      c.object = manifests[0]?.object;
    }
    if (!isObject(c.object))
      throw new UsageError(`${where} (${c.name}): a case needs "object" or "objectFile"`);
    if (c.config !== undefined) {
      try {
        operatorConfigFrom(c.config);
      } catch (error) {
        throw new UsageError(`${where} (${c.name}): config: ${(error as Error).message}`, { cause: error });
      }
    }
    c.context = [...(c.context ?? []), ...(await contextOf(c.contextFiles, base))];
  }
  const context = [
    ...((document.context as unknown[] | undefined) ?? []),
    ...(await contextOf(document.contextFiles as string[], base)),
  ];
  return { file, name: typeof document.suite === 'string' ? document.suite : file, context, cases };
}

const ruleOf = (f: ExpectedFinding) => (typeof f === 'string' ? f : f.rule);

function compareFindings(
  what: string,
  expected: ExpectedFinding[],
  actual: { rule: string; field: string }[],
): string[] {
  const failures: string[] = [];
  const want = expected.map(ruleOf).sort();
  const got = actual.map((a) => a.rule).sort();
  if (!sameJSON(want, got)) {
    const missing = want.filter((id) => !got.includes(id));
    const extra = actual.filter((a) => !want.includes(a.rule));
    failures.push(
      `${what}: expected [${want.join(', ')}], got [${got.join(', ')}]` +
        (missing.length ? `\n      - missing ${missing.join(', ')}` : '') +
        (extra.length ? `\n      + unexpected ${extra.map((a) => `${a.rule} (${a.field})`).join(', ')}` : ''),
    );
  }
  for (const f of expected) {
    if (typeof f === 'string' || f.field === undefined) continue;
    if (!actual.some((a) => a.rule === f.rule && a.field === f.field)) {
      failures.push(
        `${what}: expected ${f.rule} at ${f.field}, got it at [${actual
          .filter((a) => a.rule === f.rule)
          .map((a) => a.field)
          .join(', ')}]`,
      );
    }
  }
  return failures;
}

export function runCase(suite: Suite, c: SuiteCase, base: Omit<AdmissionContext, 'view'>): CaseOutcome {
  const operation = c.operation ?? (c.oldObject ? 'UPDATE' : 'CREATE');
  const result = evaluateOffline(
    {
      operation,
      object: c.object as Record<string, unknown>,
      oldObject: c.oldObject,
      namespace: c.namespace,
      context: [...suite.context, ...(c.context ?? [])],
      source: `${suite.file} › ${c.name}`,
      oldObjectSent: c.oldObjectSent,
    },
    c.config === undefined ? base : { ...base, config: operatorConfigFrom(c.config) },
  );
  const { validation } = result;
  const failures: string[] = [];
  const { expect } = c;
  if (expect.allowed !== undefined && expect.allowed !== validation.allowed) {
    const why = validation.violations.map((v) => `\n      ${v.field}: ${v.detail} [${v.rule}]`).join('');
    failures.push(`allowed: expected ${expect.allowed}, got ${validation.allowed}${why}`);
  }
  if (expect.code !== undefined && expect.code !== validation.code)
    failures.push(`code: expected ${expect.code}, got ${validation.code}`);
  if (expect.violations)
    failures.push(...compareFindings('violations', expect.violations, validation.violations));
  if (expect.warnings) {
    const warnings = [...result.mutation.warnings, ...validation.warnings];
    failures.push(...compareFindings('warnings', expect.warnings, warnings));
  }
  for (const [path, want] of Object.entries(expect.defaulted ?? {})) {
    const got = valueAtFieldPath(result.defaulted, path);
    // `null` expects the field to be absent.
    if (want === null ? got !== undefined && got !== null : !sameJSON(got, want))
      failures.push(`defaulted ${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return { suite: suite.file, name: c.name, failures, result };
}

export async function runSuites(dir: string, base: Omit<AdmissionContext, 'view'>): Promise<CaseOutcome[]> {
  const outcomes: CaseOutcome[] = [];
  for (const file of await findSuiteFiles(dir)) {
    const suite = await loadSuite(file);
    suite.file = relative(process.cwd(), file) || file;
    for (const c of suite.cases) {
      try {
        outcomes.push(runCase(suite, c, base));
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        outcomes.push({ suite: suite.file, name: c.name, failures: [error.message] });
      }
    }
  }
  return outcomes;
}
