/**
 * WCAG 2.2 contrast ratio (relative luminance, section "Definitions"), for colours as Chromium's
 * getComputedStyle writes them: `rgb(r, g, b)` or `rgba(r, g, b, a)`. axe checks text contrast;
 * non-text contrast (1.4.11: control borders, focus rings) it leaves to us.
 */
export interface Rgba { r: number; g: number; b: number; a: number }

export function parseColor(css: string): Rgba {
  const match = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(css.trim());
  if (!match) throw new TypeError(`not an rgb() colour: ${css}`);
  const alpha = match[4] === undefined ? 1 : match[4].endsWith('%') ? Number(match[4].slice(0, -1)) / 100 : Number(match[4]);
  return { r: Number(match[1]), g: Number(match[2]), b: Number(match[3]), a: alpha };
}

/** A translucent colour as it looks painted over an opaque one. */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const mix = (a: number, b: number) => a * top.a + b * (1 - top.a);
  return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a: 1 };
}

/** WCAG relative luminance: 0 for black, 1 for white. */
export function luminance({ r, g, b }: Rgba): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

/** The contrast ratio of two colours, 1 to 21; a translucent foreground is painted over the background first. */
export function contrastRatio(foreground: string, background: string): number {
  const back = parseColor(background);
  const front = over(parseColor(foreground), back);
  const [light, dark] = [luminance(front), luminance(back)].sort((x, y) => y - x) as [number, number];
  return Math.round(((light + 0.05) / (dark + 0.05)) * 100) / 100;
}
