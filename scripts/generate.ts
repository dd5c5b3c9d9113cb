// Regenerates crds/, the webhooks' schema validators (src/api/schema-validators.generated.ts),
// docs/rules.md, the generated sections of docs/configuration.md and the `config` section of the
// chart's values.schema.json (`npm run crds`, `npm run docs`). Files that
// prettier checks are written as prettier formats them. With --check it writes nothing and exits 1
// when a file is stale. Run from the repository root.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { format, getFileInfo, resolveConfig } from 'prettier';
import { renderCrdsYaml } from '../src/api/crd-yaml.js';
import { renderValidatorModule } from './validator-code.js';
import { operatorConfig } from '../src/defaults/config.js';
import { renderRulesDoc } from '../src/cli/rules-doc.js';
import { renderConfigurationDoc, renderValuesSchema } from '../src/cli/config-doc.js';
import { runSuites } from '../src/cli/suites.js';

export const CONFIGURATION_DOC = 'docs/configuration.md';
export const VALUES_SCHEMA = 'charts/frappe-admission/values.schema.json';

/** Partly generated files: the generated part is recomputed, the rest of the committed file kept. */
const PARTLY_GENERATED: Record<string, (current: string) => string> = {
  [CONFIGURATION_DOC]: renderConfigurationDoc,
  [VALUES_SCHEMA]: renderValuesSchema,
};

async function formatted(path: string, text: string): Promise<string> {
  if ((await getFileInfo(path, { ignorePath: '.prettierignore' })).ignored) return text;
  return format(text, { ...(await resolveConfig(path)), filepath: path });
}

export async function generatedFiles(): Promise<{ path: string; text: string }[]> {
  const outcomes = await runSuites('test/policies', { config: operatorConfig() });
  const partly = await Promise.all(
    Object.entries(PARTLY_GENERATED).map(async ([path, render]) => ({
      path,
      text: render(await readFile(path, 'utf8')),
    })),
  );
  const files = [
    ...renderCrdsYaml().map(({ file, yaml }) => ({ path: `crds/${file}`, text: yaml })),
    { path: 'src/api/schema-validators.generated.ts', text: renderValidatorModule() },
    { path: 'docs/rules.md', text: renderRulesDoc(outcomes) },
    ...partly,
  ];
  return Promise.all(files.map(async ({ path, text }) => ({ path, text: await formatted(path, text) })));
}

async function main(check: boolean): Promise<number> {
  let stale = 0;
  for (const { path, text } of await generatedFiles()) {
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === text) continue;
    if (check) {
      process.stderr.write(`${path} is stale: run npm run docs\n`);
      stale++;
    } else {
      await mkdir(path.slice(0, path.lastIndexOf('/')), { recursive: true });
      await writeFile(path, text);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`)
  process.exitCode = await main(process.argv.includes('--check'));
