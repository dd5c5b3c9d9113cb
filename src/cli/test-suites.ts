// `frappe-admission test DIR`: runs the policy test suites under DIR.
import { parseArgs } from 'node:util';
import { loadOperatorConfig } from './config-file.js';
import { UsageError, type CliIO } from './io.js';
import { runSuites } from './suites.js';

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { config: { type: 'string' }, verbose: { type: 'boolean', short: 'v', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('usage: frappe-admission test DIR [--config FILE] [-v]');
  const config = await loadOperatorConfig(values.config);
  const outcomes = await runSuites(positionals[0] as string, { config });
  let failed = 0;
  for (const outcome of outcomes) {
    if (outcome.failures.length === 0) {
      if (values.verbose) io.stdout(`ok   ${outcome.suite} › ${outcome.name}\n`);
      continue;
    }
    failed++;
    io.stdout(
      `FAIL ${outcome.suite} › ${outcome.name}\n${outcome.failures.map((f) => `    ${f}\n`).join('')}`,
    );
  }
  io.stdout(`${outcomes.length - failed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
