// The Job scripts live as files of their own (scripts/*.sh) so they can be read, linted and run by
// tests as the shell programs they are. They are read on first use, never at import: importing a
// builder does no I/O. The build copies src/**/*.sh next to the compiled modules.
import { readFileSync } from 'node:fs';

export type ScriptName = 'new-site.sh' | 'drop-site.sh';

const locations: Record<ScriptName, () => URL> = {
  'new-site.sh': () => new URL('./scripts/new-site.sh', import.meta.url),
  'drop-site.sh': () => new URL('./scripts/drop-site.sh', import.meta.url),
};

const texts = new Map<ScriptName, string>();

/** The text of a Job script, read once and then kept. */
export function scriptText(name: ScriptName): string {
  let text = texts.get(name);
  if (text === undefined) {
    text = readFileSync(locations[name](), 'utf8');
    texts.set(name, text);
  }
  return text;
}

/** Where a Job script lives on disk (tests run it). */
export function scriptPath(name: ScriptName): URL {
  return locations[name]();
}
