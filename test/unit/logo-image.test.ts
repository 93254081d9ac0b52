import { checkLogoImage } from '../../src/branding/logo-image.ts';
import { GIF_IMAGE, jpegImage, pngImage, SVG_IMAGE, WEBP_IMAGE } from '../support/images.ts';

/** A logo is a PNG or JPEG by its bytes: whole, undamaged and at most 1024 pixels on a side. */

test('a PNG and a JPEG are taken, with their size', () => {
  expect(checkLogoImage(pngImage(240, 240))).toEqual({ ok: true, format: 'png', width: 240, height: 240 });
  expect(checkLogoImage(pngImage(1024, 1))).toEqual({ ok: true, format: 'png', width: 1024, height: 1 });
  expect(checkLogoImage(jpegImage())).toEqual({ ok: true, format: 'jpeg', width: 8, height: 8 });
});

const png = pngImage(3, 2);
const jpeg = jpegImage();
const corruptedCrc = Buffer.from(png);
corruptedCrc.writeUInt8(corruptedCrc.readUInt8(png.length - 20) ^ 0xff, png.length - 20);

test.each([
  ['a GIF', GIF_IMAGE, /an image in GIF format\. Send a PNG or JPEG image of at most 1024x1024 pixels/],
  ['an SVG', SVG_IMAGE, /an image in SVG format\. Send a PNG or JPEG/],
  ['a WebP', WEBP_IMAGE, /an image in WEBP format\. Send a PNG or JPEG/],
  ['text', Buffer.from('hello, this is not a picture'), /not an image\. Send a PNG or JPEG/],
  ['a PNG header in front of garbage', Buffer.concat([png.subarray(0, 33), Buffer.from('garbage garbage garbage garbage')]), /PNG image is truncated or damaged/],
  ['a truncated PNG', png.subarray(0, png.length - 12), /PNG image is truncated or damaged/],
  ['a PNG with a wrong checksum', corruptedCrc, /PNG image is truncated or damaged/],
  ['a PNG with bytes after IEND', Buffer.concat([png, Buffer.from('<script>')]), /PNG image is truncated or damaged/],
  ['a truncated JPEG', jpeg.subarray(0, 60), /JPEG image is truncated or damaged/],
  ['a JPEG header in front of garbage', Buffer.concat([jpeg.subarray(0, 30), Buffer.from('garbage garbage'), Buffer.from([0xff, 0xd9])]), /JPEG image is truncated or damaged/],
  ['a PNG wider than 1024 pixels', pngImage(1025, 1), /is 1025x1 pixels\. Send a PNG or JPEG image of at most 1024x1024 pixels/],
  ['a PNG taller than 1024 pixels', pngImage(1, 2000), /is 1x2000 pixels/],
])('%s is refused, saying what is accepted', (_name, bytes, problem) => {
  const checked = checkLogoImage(bytes);
  expect(checked.ok).toBe(false);
  expect(checked.ok ? '' : checked.problem).toMatch(problem);
});
