import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A server started in its own process; it prints one JSON line describing itself when ready. */
export interface ChildServer<Info> {
  info: Info;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startChildServer<Info>(script: string, env: Record<string, string> = {}, nodeFlags: string[] = []): Promise<ChildServer<Info>> {
  const child = spawn(process.execPath, [...nodeFlags, script], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<Info>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as Info));
  });
  child.removeAllListeners('exit');
  return {
    info,
    process: child,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
