#!/usr/bin/env node
// Draws the icon set into build/icons/ as PNGs, with no image library: a ring (the proxy) around a dot
// (the key). trayTemplate*.png are black-and-alpha template images for the macOS menu bar; tray*.png are
// coloured for Windows and Linux panels; icon.png (512 px) is the app icon electron-builder converts.
//
//   node build/make-icons.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icons');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels (size × size × 4) to PNG bytes. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // no filter
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage (0..1) of the mark at a point in unit coordinates: a ring and a centre dot. */
function mark(x, y) {
  const d = Math.hypot(x - 0.5, y - 0.5);
  const ring = d >= 0.3 && d <= 0.44;
  const dot = d <= 0.13;
  return ring || dot;
}

/** Rounded-square background for the app icon. */
function tile(x, y) {
  const r = 0.2;
  const dx = Math.max(0.04 + r - x, 0, x - (0.96 - r));
  const dy = Math.max(0.04 + r - y, 0, y - (0.96 - r));
  return Math.hypot(dx, dy) <= r && x >= 0.04 && x <= 0.96 && y >= 0.04 && y <= 0.96;
}

function draw(size, paint) {
  const samples = 4;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const color = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!color) continue;
          const a = color[3] / 255;
          acc[0] += color[0] * a;
          acc[1] += color[1] * a;
          acc[2] += color[2] * a;
          acc[3] += a;
        }
      }
      const i = (py * size + px) * 4;
      const n = samples * samples;
      rgba[i + 3] = Math.round((acc[3] / n) * 255);
      if (acc[3] > 0) for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(acc[c] / acc[3]);
    }
  }
  return encodePng(size, rgba);
}

const BLACK = [0, 0, 0, 255];
const TEAL = [20, 150, 140, 255];
const WHITE = [255, 255, 255, 255];

export const ICONS = {
  'trayTemplate.png': () => draw(16, (x, y) => (mark(x, y) ? BLACK : null)),
  'trayTemplate@2x.png': () => draw(32, (x, y) => (mark(x, y) ? BLACK : null)),
  'tray.png': () => draw(32, (x, y) => (mark(x, y) ? TEAL : null)),
  'tray@2x.png': () => draw(64, (x, y) => (mark(x, y) ? TEAL : null)),
  'icon.png': () => draw(512, (x, y) => (tile(x, y) ? (mark((x - 0.5) / 0.8 + 0.5, (y - 0.5) / 0.8 + 0.5) ? WHITE : TEAL) : null)),
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, make] of Object.entries(ICONS)) fs.writeFileSync(path.join(outDir, name), make());
  console.log(`Icons written to ${outDir}`);
}
