import type { Locale } from './translate.ts';

/** Intl.DurationFormat (Node 24, ECMA-402 2025); TypeScript's es2024 lib does not describe it yet. */
interface DurationFormat {
  format(duration: { hours?: number; minutes?: number; seconds?: number }): string;
}
const DurationFormat = (Intl as unknown as { DurationFormat: new (locale: string, options: { style: 'long' }) => DurationFormat }).DurationFormat;

const formats = new Map<Locale, DurationFormat>();

/**
 * A span of time in words, in the guest's language: "45 seconds", "15 minutes", "1 hour". Under a
 * minute in seconds; whole hours in hours; anything else in minutes, rounded up (a guest told to
 * wait 14 minutes must not be refused after 14). The one formatter for code lifetimes in pages
 * and mails and for waits before a new code.
 */
export function durationInWords(locale: Locale, seconds: number): string {
  let format = formats.get(locale);
  if (!format) {
    format = new DurationFormat(locale, { style: 'long' });
    formats.set(locale, format);
  }
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole < 60) return format.format({ seconds: whole });
  if (whole % 3600 === 0) return format.format({ hours: whole / 3600 });
  return format.format({ minutes: Math.ceil(whole / 60) });
}
