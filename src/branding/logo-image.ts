import { crc32 } from 'node:zlib';

import { imageSize } from 'image-size';

import { LOGO_MAX_PIXELS } from '../limits.ts';
import type { LogoFormat } from './branding.ts';

/** What a logo upload is told when its bytes are not a usable picture. */
export const ACCEPTED_LOGOS = `a PNG or JPEG image of at most ${LOGO_MAX_PIXELS}x${LOGO_MAX_PIXELS} pixels`;

export type LogoCheck =
  | { ok: true; format: LogoFormat; width: number; height: number }
  | { ok: false; problem: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Start of image, then the first marker's 0xFF. */
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/**
 * Decides from the bytes alone (never the declared content type) whether an upload is a PNG or
 * JPEG logo we will serve. image-size reads the type and dimensions from the header; since a
 * header alone proves little, the file's structure is walked too: every PNG chunk complete with a
 * correct CRC, from IHDR to IEND; every JPEG segment complete, from SOI to EOI. A truncated file
 * or a real header in front of garbage is refused. Nothing is decoded: browsers do that, and a
 * structurally sound file of bounded size and dimensions is what they handle safely.
 */
export function checkLogoImage(bytes: Uint8Array): LogoCheck {
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    // image-size gives up on a header it cannot read; a PNG or JPEG signature says what was meant.
    const meant = startsWith(bytes, PNG_SIGNATURE) ? 'PNG' : startsWith(bytes, JPEG_SIGNATURE) ? 'JPEG' : undefined;
    return { ok: false, problem: meant ? `The ${meant} image is truncated or damaged. Send ${ACCEPTED_LOGOS}.` : `The body is not an image. Send ${ACCEPTED_LOGOS}.` };
  }
  const format = size.type === 'png' ? 'png' : size.type === 'jpg' ? 'jpeg' : undefined;
  if (!format) return { ok: false, problem: `The body is ${size.type ? `an image in ${size.type.toUpperCase()} format` : 'not an image'}. Send ${ACCEPTED_LOGOS}.` };
  const sound = format === 'png' ? isCompletePng(bytes) : isCompleteJpeg(bytes);
  if (!sound) return { ok: false, problem: `The ${format.toUpperCase()} image is truncated or damaged. Send ${ACCEPTED_LOGOS}.` };
  const { width, height } = size;
  if (!(width >= 1 && height >= 1 && width <= LOGO_MAX_PIXELS && height <= LOGO_MAX_PIXELS)) {
    return { ok: false, problem: `The image is ${width}x${height} pixels. Send ${ACCEPTED_LOGOS}.` };
  }
  return { ok: true, format, width, height };
}

/** Signature, IHDR first, then chunks whose lengths fit and whose CRCs match, at least one IDAT, IEND last. */
function isCompletePng(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buffer.subarray(0, 8).equals(PNG_SIGNATURE)) return false;
  let offset = 8;
  let first = true;
  let sawData = false;
  while (offset + 12 <= buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > buffer.length) return false;
    const type = buffer.toString('latin1', offset + 4, offset + 8);
    if (first && type !== 'IHDR') return false;
    if (crc32(buffer.subarray(offset + 4, offset + 8 + length)) !== buffer.readUInt32BE(offset + 8 + length)) return false;
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') return sawData && end === buffer.length;
    first = false;
    offset = end;
  }
  return false;
}

/**
 * SOI, then marker segments whose lengths fit, up to the start of scan; the image ends with EOI.
 * (The entropy-coded data after SOS has no length field; its end is the EOI marker.)
 */
function isCompleteJpeg(bytes: Uint8Array): boolean {
  const length = bytes.length;
  if (length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  if (bytes[length - 2] !== 0xff || bytes[length - 1] !== 0xd9) return false;
  let offset = 2;
  let sawFrame = false;
  while (offset + 4 <= length) {
    if (bytes[offset] !== 0xff) return false;
    const marker = bytes[offset + 1] as number;
    if (marker === 0xff) { offset += 1; continue; } // fill byte
    const segmentLength = ((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number);
    if (segmentLength < 2 || offset + 2 + segmentLength > length) return false;
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) sawFrame = true;
    if (marker === 0xda) return sawFrame && offset + 2 + segmentLength < length - 2;
    offset += 2 + segmentLength;
  }
  return false;
}

function startsWith(bytes: Uint8Array, signature: Buffer): boolean {
  return bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
}
