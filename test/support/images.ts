import { crc32, deflateSync } from 'node:zlib';

/**
 * Small real images made here, byte for byte, for the logo tests: a PNG of any size (one colour,
 * deflated with zlib) and a baseline JPEG (8x8, one grey block), plus the formats a logo must not be.
 */

/** A valid truecolour PNG of one colour. */
export function pngImage(width: number, height: number, rgb: [number, number, number] = [10, 76, 139]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, truecolour, deflate, no filter method, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3).map((_, index) => rgb[index % 3] as number)]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', pixels),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A valid baseline JPEG: 8x8 grey (level 144), one component, quantisation all 1. The only
 * coefficient is DC = 8 x (144 - 128) = 128 (size category 8); each Huffman table has one code,
 * `0`, for category 8 (DC) and end-of-block (AC). Scan bits: 0 10000000 0, padded with ones.
 */
export function jpegImage(): Buffer {
  const segment = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  const oneCodeTable = (tableClass: number, symbol: number) => [tableClass << 4, 1, ...Array(15).fill(0), symbol];
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xdb, [0x00, ...Array(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneCodeTable(0, 8)),
    ...segment(0xc4, oneCodeTable(1, 0x00)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x40, 0x3f,
    0xff, 0xd9,
  ]);
}

/** The classic 1x1 transparent GIF. */
export const GIF_IMAGE = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export const SVG_IMAGE = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>');

/** A lossless WebP's header (RIFF, VP8L, 1x1): enough for any sniffer to call it WebP. */
export const WEBP_IMAGE = Buffer.from([
  ...Buffer.from('RIFF'), 0x1a, 0, 0, 0, ...Buffer.from('WEBPVP8L'), 0x0d, 0, 0, 0,
  0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0x00,
]);
