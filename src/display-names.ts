/**
 * Display names end up verbatim in pages, ID tokens and plain-text mails. A name that carries a line
 * break can forge mail lines; a bidi override (U+202E) or an invisible character can make one name
 * read as another ("Contoso IT" that is not). So names are text a person can see, nothing else:
 *
 * - control characters: C0, DEL and C1 (Unicode Cc), which include CR and LF;
 * - format characters (Unicode Cf): bidi embeddings, overrides and isolates (U+202A–U+202E,
 *   U+2066–U+2069), zero-width spaces and joiners and the directional marks (U+200B–U+200F),
 *   the byte-order mark (U+FEFF), soft hyphen, tag characters and the like;
 * - the line and paragraph separators (U+2028, U+2029);
 * - lone surrogates, which are not text at all.
 */
const DISGUISING_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/** The first character that has no place in a display name, as `U+XXXX`; undefined when there is none. */
export function disguisingCharacterIn(name: string): string | undefined {
  const found = DISGUISING_CHARACTER.exec(name)?.[0];
  if (found === undefined) return undefined;
  return `U+${(found.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** What a refused name is told, naming the character found. */
export function disguisingCharacterMessage(codePoint: string): string {
  return `must not contain control, bidirectional or invisible formatting characters (found ${codePoint})`;
}

/** A name from somewhere we do not control (an upstream provider's claim): kept only when it is plain text. */
export function plainNameOrUndefined(name: unknown): string | undefined {
  if (typeof name !== 'string' || disguisingCharacterIn(name) !== undefined) return undefined;
  const trimmed = name.trim();
  return trimmed === '' ? undefined : trimmed;
}
