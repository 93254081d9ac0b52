import { once } from 'node:events';
import { createServer } from 'node:net';

import { recordFinding } from '../support/findings.ts';
import { productionEnv, runProductUntilExit } from '../support/product-process.ts';

/**
 * A second `npm start` on a port that is taken, or a HOST that is not this machine's: one line an
 * operator can act on and exit code 1, not a Node stack trace.
 */

test('a taken port gives one line naming the port and EADDRINUSE, and exit code 1', async () => {
  const squatter = createServer();
  squatter.listen(0, '127.0.0.1');
  await once(squatter, 'listening');
  const { port } = squatter.address() as { port: number };
  try {
    const { code, stderr } = await runProductUntilExit({ ...productionEnv(), PORT: String(port), HOST: '127.0.0.1' });
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`guest-idp cannot start: 127.0.0.1 port ${port} is already in use by another process (EADDRINUSE); stop it or set PORT.`);
    recordFinding({
      kind: 'fault',
      name: 'Port already taken at start-up',
      tried: 'started the production process on a port another process listens on',
      times: 1,
      result: `exit code ${code}, one line on stderr: "${lines[0]}"`,
    });
  } finally {
    squatter.close();
  }
});

test('with worker processes the taken port is still one line, said once, before any worker starts', async () => {
  const squatter = createServer();
  squatter.listen(0, '127.0.0.1');
  await once(squatter, 'listening');
  const { port } = squatter.address() as { port: number };
  try {
    const { code, stderr, stdout } = await runProductUntilExit({ ...productionEnv(), PORT: String(port), HOST: '127.0.0.1', WORKERS: '2' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([`guest-idp cannot start: 127.0.0.1 port ${port} is already in use by another process (EADDRINUSE); stop it or set PORT.`]);
    expect(stdout).not.toContain('worker');
  } finally {
    squatter.close();
  }
});

test('a HOST that is not an address of this machine is named in one line', async () => {
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
  const { code, stderr } = await runProductUntilExit({ ...productionEnv(), PORT: '0', HOST: '192.0.2.1' });
  expect(code).toBe(1);
  expect(stderr.trim().split('\n')).toEqual(['guest-idp cannot start: HOST 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL).']);
});
