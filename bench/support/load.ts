import { Agent, request } from 'node:http';

export interface RequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  medianMilliseconds: number;
  errors: number;
}

/**
 * Sends `total` requests with `concurrency` in flight over keep-alive connections and reports
 * throughput and median latency. Any non-2xx answer counts as an error (and is reported).
 */
export async function load(baseUrl: string, spec: RequestSpec, { total, concurrency }: { total: number; concurrency: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = process.hrtime.bigint();

  const one = () => new Promise<void>((resolve) => {
    const sent = process.hrtime.bigint();
    const req = request(`${baseUrl}${spec.path}`, { method: spec.method ?? 'GET', headers: spec.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if ((res.statusCode ?? 0) >= 300) errors += 1;
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        resolve();
      });
    });
    req.on('error', () => { errors += 1; resolve(); });
    req.end(spec.body);
  });

  const worker = async () => {
    while (issued < total) {
      issued += 1;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { requestsPerSecond: total / seconds, medianMilliseconds: median(latencies), errors };
}

export function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

