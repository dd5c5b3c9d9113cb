// Reading Kubernetes manifests from files for the CLI: multi-document YAML or JSON, List kinds
// flattened, every problem reported with the file (and line) it came from.
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { isObject } from '../api/json.js';
import { UsageError } from './io.js';

export interface Manifest {
  object: Record<string, unknown>;
  /** `file` or `file#n` (the n-th document) for messages. */
  source: string;
}

/** Parses YAML/JSON text (several documents allowed) into manifests; throws UsageError on bad input. */
export function parseManifests(text: string, file: string): Manifest[] {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const manifests: Manifest[] = [];
  list.forEach((document, index) => {
    const problem = document.errors[0];
    if (problem) {
      const line = problem.linePos?.[0];
      throw new UsageError(
        `${file}${line ? `:${line.line}:${line.col}` : ''}: not valid YAML: ${problem.message.split('\n')[0]}`,
      );
    }
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const source = list.length > 1 ? `${file}#${index + 1}` : file;
    if (!isObject(value))
      throw new UsageError(
        `${source}: expected a Kubernetes object, got ${Array.isArray(value) ? 'a list' : typeof value}`,
      );
    if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item, i) => manifests.push(checkObject(item, `${source} items[${i}]`)));
    } else {
      manifests.push(checkObject(value, source));
    }
  });
  return manifests;
}

function checkObject(value: unknown, source: string): Manifest {
  if (!isObject(value)) throw new UsageError(`${source}: expected a Kubernetes object`);
  if (typeof value.kind !== 'string' || value.kind === '')
    throw new UsageError(`${source}: field kind is missing`);
  if (typeof value.apiVersion !== 'string') throw new UsageError(`${source}: field apiVersion is missing`);
  const { metadata } = value;
  if (metadata === undefined)
    throw new UsageError(
      `${source}: metadata is missing (a ${value.kind} needs metadata.name or generateName)`,
    );
  if (!isObject(metadata)) throw new UsageError(`${source}: metadata must be an object`);
  for (const field of ['name', 'generateName', 'namespace'] as const)
    if (metadata[field] !== undefined && typeof metadata[field] !== 'string')
      throw new UsageError(`${source}: metadata.${field} must be a string`);
  if (!metadata.name && !metadata.generateName)
    throw new UsageError(`${source}: metadata.name (or generateName) is missing`);
  return { object: value, source };
}

export async function readManifests(file: string): Promise<Manifest[]> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  return parseManifests(text, file);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
