import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers of src/ (README "Layout"): each folder and the folders of src/ it may import.
// The arrows point one way, so there is no cycle between folders: api imports nothing of ours;
// defaults, policies and builders are pure (no I/O); admission is the engine over them; webhooks
// serve it; kube does the I/O with the API server and database the SQL with external MariaDB
// servers; certificates (self-managed CA and serving certificate) uses kube; controller and
// reconcile use them; cli wires everything, and nothing imports cli.
// Nothing in src/ imports the test and dev tooling around it.
const LAYERS = {
  api: [],
  defaults: ['api'],
  policies: ['api', 'defaults'],
  builders: ['api'],
  admission: ['api', 'defaults', 'policies'],
  webhooks: ['api', 'admission'],
  kube: ['api'],
  database: ['api'],
  certificates: ['api', 'kube'],
  reconcile: ['api', 'defaults', 'policies', 'builders', 'admission', 'kube', 'database'],
  controller: ['api', 'defaults', 'policies', 'builders', 'admission', 'reconcile', 'kube', 'database'],
};
const OUTSIDE_SRC = ['harness', 'benchmarks', 'scripts', 'test'];

/** A relative import that climbs out of its folder into one of `folders`. */
const into = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const layerRules = Object.entries(LAYERS).map(([layer, allowed]) => {
  const forbidden = [...Object.keys(LAYERS), 'cli'].filter((f) => f !== layer && !allowed.includes(f));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: into(forbidden),
              message: `src/${layer} ${allowed.length ? `may import only ${allowed.map((f) => `src/${f}`).join(', ')} of src/` : 'imports nothing of ours but itself'} (layers: eslint.config.js).`,
            },
            {
              regex: into(OUTSIDE_SRC),
              message:
                'src/ is the published build: it never imports harness/, benchmarks/, scripts/ or test/.',
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'tools/**', 'src/api/schema-validators.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import { type A }` still loads the module (verbatimModuleSyntax); `import type` does not.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    files: ['src/cli.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: into(OUTSIDE_SRC),
              message:
                'src/ is the published build: it never imports harness/, benchmarks/, scripts/ or test/.',
            },
          ],
        },
      ],
    },
  },
  ...layerRules,
  {
    // The TypeBox schemas are for the build and `frappe-admission crds`; what the run time needs of
    // them (enums, names, readers) is in src/api/values.ts, so serve and the controller never load
    // TypeBox (test/cli/serve-modules.test.ts). Types may still be imported from them.
    files: ['src/**/*.ts'],
    ignores: ['src/api/**', 'src/cli/crds.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)api/(common|frappe-bench|frappe-site|compat-fields|redis-config|crds)\\.js$',
              allowTypeImports: true,
              message:
                'a TypeBox schema module: import its types with `import type`, and run-time values from src/api/values.ts.',
            },
          ],
        },
      ],
    },
  },
);
