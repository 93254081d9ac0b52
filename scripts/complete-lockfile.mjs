// The npm registry mirror of this build machine serves only Linux builds of native packages, so
// `npm install` here leaves the other platforms' optional bindings out of package-lock.json and
// `npm ci` then refuses the lock as out of sync. This adds those entries exactly as npm writes
// them on a machine that sees the whole registry (os/cpu-tagged optional packages that npm skips
// on other platforms). Run it after any `npm install` that changes the lock: node scripts/complete-lockfile.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

/** `…binding-linux-x64-gnu` (napi-rs) or `@scope/pkg-darwin-arm64` (msgpackr-extract and the like). */
const PLATFORM_PACKAGE = /(?:binding-|-)(darwin|linux|win32|freebsd|android|openbsd|sunos|aix)-(x64|arm64|arm|ia32|loong64|ppc64|riscv64|s390x)(?:-(\w+))?$/;

const platformOf = (name) => {
  const suffix = name.replace(/^.*?binding-/, '');
  const [os, cpuPart, abi] = suffix.split('-');
  const cpu = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', loong64: 'loong64', ppc64: 'ppc64', riscv64: 'riscv64', s390x: 's390x' }[cpuPart];
  const libc = abi?.startsWith('musl') ? 'musl' : os === 'linux' ? 'glibc' : undefined;
  return { os, cpu, libc };
};

const platformOfSuffix = (name) => {
  // These name no libc, and npm writes none for them.
  const [, os, cpu] = PLATFORM_PACKAGE.exec(name);
  return { os, cpu, libc: undefined };
};

let added = 0;
for (const entry of Object.values(packages)) {
  for (const [dependency, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const location = `node_modules/${dependency}`;
    if (packages[location] || !PLATFORM_PACKAGE.test(dependency)) continue;
    const { os, cpu, libc } = /binding-/.test(dependency) ? platformOf(dependency) : platformOfSuffix(dependency);
    if (!os || !cpu) continue;
    packages[location] = {
      version,
      cpu: [cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
    };
    added += 1;
  }
}

const [root, ...rest] = Object.keys(packages);
lock.packages = Object.fromEntries([[root, packages[root]], ...rest.sort().map((key) => [key, packages[key]])]);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
