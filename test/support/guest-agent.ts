import { CookieJar } from 'tough-cookie';

/** One HTTP answer as the guest's browser would see it. */
export interface GuestPage {
  status: number;
  url: string;
  location: string | undefined;
  html: string;
  /** The answer's X-Request-Id: what the guest would quote from the page. */
  requestId: string | undefined;
}

/** A form on a page: where it posts and its hidden fields. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
  submitLabel: string;
}

/**
 * The guest, as an HTTP client with a cookie jar: follows redirects itself (so a test can stop at
 * the relying party's redirect_uri) and submits the forms on our pages.
 */
export class GuestAgent {
  readonly jar = new CookieJar();

  /** `headers`: what this browser sends with every request besides cookies (Accept-Language). */
  readonly headers: Record<string, string>;

  constructor(headers: Record<string, string> = {}) {
    this.headers = headers;
  }

  async request(url: string, { method = 'GET', form }: { method?: string; form?: Record<string, string> } = {}): Promise<GuestPage> {
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml', ...this.headers };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.cookie = cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, { method, headers, redirect: 'manual', ...(form ? { body: new URLSearchParams(form).toString() } : {}) });
    for (const line of response.headers.getSetCookie()) await this.jar.setCookie(line, url);
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status, url, location: location ? new URL(location, url).href : undefined, html: await response.text(),
      requestId: response.headers.get('x-request-id') ?? undefined,
    };
  }

  /** GETs the URL and follows redirects until a page answers, or until `stop` says a URL is the end. */
  async follow(url: string, stop: (url: string) => boolean = () => false): Promise<GuestPage> {
    let page = await this.request(url);
    for (let hops = 0; page.location && hops < 20; hops += 1) {
      if (stop(page.location)) return page;
      page = await this.request(page.location);
    }
    return page;
  }

  /** Submits the page's form whose action ends with `actionSuffix`, then follows redirects. */
  async submit(page: GuestPage, actionSuffix: string, fields: Record<string, string> = {}, stop?: (url: string) => boolean): Promise<GuestPage> {
    const form = formsOf(page.html).find((candidate) => candidate.action.endsWith(actionSuffix));
    if (!form) throw new Error(`no form posting to …${actionSuffix} on ${page.url} (${page.status}): ${textOf(page.html).slice(0, 300)}`);
    const answer = await this.request(new URL(form.action, page.url).href, { method: 'POST', form: { ...form.fields, ...fields } });
    if (!answer.location || stop?.(answer.location)) return answer;
    return this.follow(answer.location, stop);
  }
}

export function formsOf(html: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const action = /\baction="([^"]*)"/.exec(match[1] ?? '')?.[1];
    if (action === undefined) continue;
    const fields: Record<string, string> = {};
    for (const input of (match[2] ?? '').matchAll(/<input\b[^>]*type="hidden"[^>]*>/g)) {
      const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
      const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? '';
      if (name) fields[decode(name)] = decode(value);
    }
    forms.push({ action: decode(action), fields, submitLabel: textOf(/<button[^>]*>([\s\S]*?)<\/button>/.exec(match[2] ?? '')?.[1] ?? '') });
  }
  return forms;
}

/** The visible text of a page, for asserting on what the guest reads. */
export function textOf(html: string): string {
  return decode(html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
}

/**
 * A page's text without its request reference (error messages show the request id, which differs
 * on every request), for comparing two pages that must read the same.
 */
export function withoutReference(text: string): string {
  return text.replace(/(Reference|Referenz|Référence|Referencia) ?: [0-9a-f-]{36}/g, '$1: <request id>');
}

function decode(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return named[name] ?? entity;
  });
}
