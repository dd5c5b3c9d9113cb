// Regenerates crds/ and docs/rules.md (`npm run crds`, `npm run docs`). With --check it writes
// nothing and exits 1 when a file is stale. Run from the repository root.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { renderCrdsYaml } from '../src/api/crd-yaml.js';
import { staticClusterView } from '../src/api/static-cluster-view.js';
import { operatorConfig } from '../src/defaults/config.js';
import { admissionContext } from '../src/admission/context.js';
import { renderRulesDoc } from '../src/cli/rules-doc.js';
import { runSuites } from '../src/cli/suites.js';

export async function generatedFiles(): Promise<{ path: string; text: string }[]> {
  const { config, schemas } = admissionContext(staticClusterView([]), operatorConfig());
  const outcomes = await runSuites('test/policies', { config, schemas });
  return [
    ...renderCrdsYaml().map(({ file, yaml }) => ({ path: `crds/${file}`, text: yaml })),
    { path: 'docs/rules.md', text: renderRulesDoc(outcomes) },
  ];
}

async function main(check: boolean): Promise<number> {
  let stale = 0;
  for (const { path, text } of await generatedFiles()) {
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === text) continue;
    if (check) {
      process.stderr.write(`${path} is stale: run npm run crds\n`);
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
