// `npm run monitoring`: writes the files generated from monitoring/ (scripts/monitoring-files.ts).
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { projectRoot } from '../harness/paths.js';
import { generatedMonitoringFiles } from './monitoring-files.js';

for (const [file, content] of await generatedMonitoringFiles()) {
  await writeFile(file, content);
  process.stdout.write(`wrote ${relative(projectRoot(), file)}\n`);
}
