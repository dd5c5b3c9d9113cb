// Command dispatch. Each command module is imported lazily so `review` never loads fastify
// or the Kubernetes client.
import { UsageError, type CliIO, type Command } from './io.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: Command }> }> = {
  review: { summary: 'default and validate manifests offline', load: () => import('./review.js') },
  test: { summary: 'run policy test suites (YAML)', load: () => import('./test-suites.js') },
  crds: { summary: 'print the CustomResourceDefinitions', load: () => import('./crds.js') },
  serve: { summary: 'serve the admission webhooks over HTTPS', load: () => import('./serve.js') },
  'webhook-config': {
    summary: 'print the Mutating/ValidatingWebhookConfigurations',
    load: () => import('./webhook-config.js'),
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)}${c.summary}`);
  return `usage: frappe-admission <command> [flags]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`error: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const { run } = await command.load();
    return await run(args, io);
  } catch (error) {
    // node:util parseArgs reports bad flags with ERR_PARSE_ARGS_* codes: a usage error too.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`error: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}
