// The image definition, checked statically (no container engine here): pinned base images on the
// Node the repo pins, a runtime stage with production dependencies and dist/src only, a numeric
// non-root user, and an entry point that exists in the build output and starts `serve`.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/paths.js';

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Dockerfile instructions (continuations joined, comments dropped), grouped by stage. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const stages: Stage[] = [];
  for (const line of lines.map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = args.replace(/--platform=\S+\s*/, '').split(/\s+/);
      stages.push({ image, ...(as?.toUpperCase() === 'AS' ? { name } : {}), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${keyword} before the first FROM`);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

const root = projectRoot();
const dockerfile = () => readFileSync(join(root, 'Dockerfile'), 'utf8');
const packageJson = () => JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const args = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix) && statSync(join(dir, f)).isFile())
    .map((f) => join(dir, f));
}

describe('Dockerfile', () => {
  const stages = parseDockerfile(dockerfile());
  const runtime = stages.at(-1)!;
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));

  it('pins every base image to an exact tag, never latest, on the Node major package.json pins', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2); // multi-stage
    const pinned = packageJson().devDependencies.node as string;
    const major = /(\d+)\./.exec(pinned)?.[1];
    expect(major, `devDependencies.node ${pinned}`).toBeDefined();
    for (const stage of stages) {
      if (stageNames.has(stage.image)) continue; // FROM an earlier stage
      expect(stage.image, 'no ARG-substituted image').not.toContain('$');
      const match = /^(?:[\w.-]+\/)*node:(\d+)\.(\d+)\.(\d+)(-[\w.-]+)?$/.exec(stage.image);
      expect(match, `${stage.image}: node:MAJOR.MINOR.PATCH[-variant]`).not.toBeNull();
      expect(stage.image).not.toMatch(/:latest$/);
      expect(match![1]).toBe(major);
    }
  });

  it('builds on exactly the Node version the lockfile installs for npm scripts', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
    const version = lock.packages['node_modules/node'].version as string;
    for (const stage of stages.filter((s) => !stageNames.has(s.image)))
      expect(stage.image).toMatch(new RegExp(`^node:${version.replaceAll('.', '\\.')}-`));
  });

  it('runs as a numeric non-root user', () => {
    const users = args(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!;
    expect(user, 'numeric uid[:gid], so runAsNonRoot can check it').toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    if (user.includes(':')) expect(Number(user.split(':')[1])).toBeGreaterThan(0);
  });

  it('gives the runtime stage production dependencies and dist/src only', () => {
    const copies = args(runtime, 'COPY');
    const deps = stages.find((s) =>
      copies.some((c) => c.includes(`--from=${s.name} `) && /node_modules/.test(c)),
    );
    expect(deps, 'node_modules comes from a stage of its own').toBeDefined();
    expect(args(deps!, 'RUN').join('\n')).toMatch(/npm ci\b.*--omit=dev/);
    const fromBuild = copies.filter((c) => /--from=/.test(c) && !c.includes(`--from=${deps!.name} `));
    expect(fromBuild.map((c) => c.split(/\s+/).slice(1, -1).join(' '))).toEqual(['/src/dist/src']);
    // From the context: package.json only ("type": "module" makes dist/src/*.js ES modules).
    expect(copies.filter((c) => !c.includes('--from='))).toEqual(['package.json ./']);
    expect(args(runtime, 'RUN'), 'nothing runs in the runtime stage').toEqual([]);
  });

  it('enters `serve` through a file that `npm run build` produces, with the Job scripts next to it', () => {
    const entrypoint = JSON.parse(args(runtime, 'ENTRYPOINT').at(-1)!) as string[];
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint.at(-1)).toBe('serve');
    const workdir = args(runtime, 'WORKDIR').at(-1)!;
    const script = relative(workdir, entrypoint[1]!);
    expect(script).toBe(join('dist', 'src', 'cli.js'));
    expect(existsSync(join(root, 'dist', 'src', 'cli.js')), 'run `npm run build` first').toBe(true);
    expect(packageJson().bin['frappe-admission']).toBe(script);
    const scripts = filesUnder(join(root, 'src'), '.sh');
    expect(scripts.length).toBeGreaterThan(0);
    for (const sh of scripts) expect(existsSync(join(root, 'dist', relative(root, sh)))).toBe(true);
  });

  it('starts serve from the runtime layout (package.json + dist/src, nothing else of the repo)', async () => {
    // The image's /app, rebuilt in a temporary directory; dependencies from the repo's node_modules.
    const app = await mkdtemp(join(tmpdir(), 'frappe-admission-image-'));
    try {
      await cp(join(root, 'dist', 'src'), join(app, 'dist', 'src'), { recursive: true });
      await writeFile(join(app, 'package.json'), readFileSync(join(root, 'package.json')));
      await symlink(join(root, 'node_modules'), join(app, 'node_modules'));
      const entrypoint = JSON.parse(args(runtime, 'ENTRYPOINT').at(-1)!) as string[];
      const script = join(app, relative(args(runtime, 'WORKDIR').at(-1)!, entrypoint[1]!));
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [script, ...entrypoint.slice(2), '--help'],
        {
          cwd: app,
        },
      );
      expect(stdout).toContain('usage: frappe-admission serve');
    } finally {
      await rm(app, { recursive: true, force: true });
    }
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('keeps node_modules, dist and .git out of the build context', () => {
    for (const entry of ['node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
  });

  it('keeps in everything the Dockerfile copies from the context', () => {
    const sources = parseDockerfile(dockerfile())
      .flatMap((s) => args(s, 'COPY'))
      .filter((c) => !c.includes('--from='))
      .flatMap((c) => c.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(root, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source.split('/')[0]);
    }
  });
});
