// `npm run examples`: reviews the shipped examples offline, as a first look at what the
// webhooks do: the defaults written into a bench and a site, then a denial listing every violation.
import { runCommand } from '../src/cli/main.js';

const io = {
  stdout: (text: string) => process.stdout.write(text),
  stderr: (text: string) => process.stdout.write(text),
  cwd: process.cwd(),
  env: process.env,
};

process.stdout.write('# frappe-admission review -f examples/bench.yaml -f examples/site.yaml\n');
const allowed = await runCommand(['review', '-f', 'examples/bench.yaml', '-f', 'examples/site.yaml'], io);
process.stdout.write(`# exit code ${allowed}: allowed, defaults written above\n\n`);
process.stdout.write('# frappe-admission review -f examples/invalid-site.yaml -f examples/bench.yaml\n');
const denied = await runCommand(
  ['review', '-f', 'examples/invalid-site.yaml', '-f', 'examples/bench.yaml'],
  io,
);
process.stdout.write(`# exit code ${denied}: denied, every violation with its field and rule id\n`);
process.exitCode = allowed === 0 && denied === 1 ? 0 : 1;
