// `frappe-admission crds`: prints the CustomResourceDefinitions (the same YAML as crds/).
import { renderCrdsYaml } from '../api/crd-yaml.js';
import type { CliIO } from './io.js';

export async function run(_args: string[], io: CliIO): Promise<number> {
  io.stdout(
    renderCrdsYaml()
      .map((c) => c.yaml)
      .join('---\n'),
  );
  return 0;
}
