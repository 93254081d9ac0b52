import { request } from 'node:http';

/**
 * A raw HTTP request where fetch will not do: a forged Host header, or reading Set-Cookie and
 * Location of a redirect as they are.
 */
export function rawRequest(
  url: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** Set-Cookie lines of a response as `{name: {value, attributes}}`. */
export function cookiesOf(setCookie: string | string[] | undefined): Record<string, { value: string; attributes: string }> {
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  return Object.fromEntries(lines.map((line) => {
    const [pair = '', ...attributes] = line.split(';');
    const at = pair.indexOf('=');
    return [pair.slice(0, at).trim(), { value: pair.slice(at + 1), attributes: attributes.join(';').trim().toLowerCase() }];
  }));
}
