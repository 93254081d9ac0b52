#!/usr/bin/env node
// The guest-idp CLI (src/cli.ts). It runs the TypeScript source directly, which needs Node 22.18
// or newer; `npx guest-idp` inside the project uses the project's own Node 24.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`guest-idp needs Node 22.18 or newer (this is ${process.version}); run it as "npx guest-idp" in the project.\n`);
  process.exit(1);
}
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  print: (text) => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
});
