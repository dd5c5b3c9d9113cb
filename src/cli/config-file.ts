// Loads `--config FILE` (YAML or JSON) for the CLI commands.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { OperatorConfig } from '../defaults/config.js';
import { ConfigError, operatorConfigFrom } from '../defaults/config-document.js';
import { UsageError } from './io.js';

export async function loadOperatorConfig(file: string | undefined): Promise<OperatorConfig> {
  if (file === undefined) return operatorConfigFrom(undefined);
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  try {
    return operatorConfigFrom(document);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${file}: ${error.message}`, { cause: error });
    throw error;
  }
}
