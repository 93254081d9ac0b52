import { exitCodeForStatus } from './exit-codes.ts';

/** An admin API error, carrying the exit code the CLI ends with. */
export class AdminApiError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** The admin API over HTTP, with the bearer token; errors become AdminApiError with Graph's message. */
export class AdminClient {
  readonly #baseUrl: string;
  readonly #token: string;

  constructor(baseUrl: string, token: string) {
    this.#baseUrl = baseUrl.replace(/\/$/, '');
    this.#token = token;
  }

  get<T>(path: string): Promise<T> { return this.#request<T>('GET', path); }
  post<T>(path: string, body?: unknown): Promise<T> { return this.#request<T>('POST', path, body); }
  patch<T>(path: string, body: unknown): Promise<T> { return this.#request<T>('PATCH', path, body); }
  put<T>(path: string, body: unknown): Promise<T> { return this.#request<T>('PUT', path, body); }
  delete(path: string): Promise<void> { return this.#request<void>('DELETE', path); }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new AdminApiError(`cannot reach ${this.#baseUrl}: ${(error as Error).cause ?? (error as Error).message}`, 1);
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const message = (parsed as { error?: { message?: string; code?: string } } | undefined)?.error?.message ?? `${response.status} ${response.statusText}`;
      throw new AdminApiError(message, exitCodeForStatus(response.status));
    }
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
