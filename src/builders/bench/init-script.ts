// The init Job's script, a file of its own (scripts/init-bench.sh), read on first use and kept:
// no import-time side effects. `npm run build` copies src/**/*.sh next to the compiled modules,
// so the same relative URL resolves from src/ (tests) and dist/src/ (the published build).
import { readFileSync } from 'node:fs';

let script: string | undefined;

export function initBenchScript(): string {
  script ??= readFileSync(new URL('./scripts/init-bench.sh', import.meta.url), 'utf8');
  return script;
}
