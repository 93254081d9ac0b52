import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import ejs from 'ejs';

export type Template = (data: Record<string, unknown>) => string;

/**
 * The ejs templates of one folder, each compiled once per process on first use. Pages and mail
 * both read theirs through this.
 */
export class EjsTemplates {
  readonly #directory: string;
  readonly #compiled = new Map<string, Template>();

  constructor(directory: string) {
    this.#directory = directory;
  }

  /** `name` without the `.ejs` ending. */
  get(name: string): Template {
    let template = this.#compiled.get(name);
    if (!template) {
      const filename = join(this.#directory, `${name}.ejs`);
      // cache: partials pulled in with include() are compiled once too, not read again per render.
      template = ejs.compile(readFileSync(filename, 'utf8'), { filename, cache: true }) as Template;
      this.#compiled.set(name, template);
    }
    return template;
  }
}
