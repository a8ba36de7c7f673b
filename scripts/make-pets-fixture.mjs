#!/usr/bin/env node
// Writes e2e/files/pets: two class folders of small grey PNGs, one header-corrupt PNG (33 bytes whose
// header declares 1.9e9 × 1.9e9 pixels, as a broken download looks) and a stray text file.
// Run: node scripts/make-pets-fixture.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync } from 'node:zlib';

const root = resolve(import.meta.dirname, '../e2e/files/pets');

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function greyPng(side, value) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const raw = Buffer.alloc(side * (side + 1));
  for (let y = 0; y < side; y++) raw.fill(value, y * (side + 1) + 1, (y + 1) * (side + 1));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

for (const [label, shade] of [['cats', 40], ['dogs', 210]]) {
  mkdirSync(resolve(root, label), { recursive: true });
  for (let i = 0; i < 6; i++) writeFileSync(resolve(root, label, `img_${String(i).padStart(3, '0')}.png`), greyPng(12, shade + i * 3));
}
const broken = Buffer.alloc(33);
broken.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
broken.writeUInt32BE(1_900_000_000, 16);
broken.writeUInt32BE(1_900_000_000, 20);
broken.set([8, 6, 0, 0, 0], 24);
writeFileSync(resolve(root, 'cats', 'img_031.png'), broken);
writeFileSync(resolve(root, 'notes.txt'), 'photos from the shelter, 2026\n');
