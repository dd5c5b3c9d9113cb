#!/usr/bin/env node
// The composition root: parses the command line and hands each command its dependencies.
// Commands live in src/cli/<command>.ts and export `run(args, io)`; nothing here has state.
import { runCommand } from './cli/main.js';

process.exitCode = await runCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
});
