// `npm run manifests`: copies crds/ into the chart and renders manifests/install.yaml from it
// (tests fail when either is stale).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { installManifestsFile, renderInstallManifests, syncChartCrds } from './chart.js';

const crds = await syncChartCrds();
process.stdout.write(`charts/frappe-admission/crds: ${crds.join(', ')}\n`);
const file = installManifestsFile();
await mkdir(dirname(file), { recursive: true });
await writeFile(file, await renderInstallManifests());
process.stdout.write(`wrote ${file}\n`);
