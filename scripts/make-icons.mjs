#!/usr/bin/env node
// Draws the installed app's PNG icons from public/icons/coreview.svg with the Chromium the tests use, so they are
// pixel for pixel the browser's own rendering of the SVG. Run it after changing the SVG and commit the PNGs:
//
//   node scripts/make-icons.mjs
//
// coreview-192.png and coreview-512.png are the SVG as it is; coreview-maskable-512.png puts it on a full-bleed
// square of its own blue, shrunk into the middle 80 %, the circle every platform's mask keeps.
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumLaunchOptions } from './chromium.mjs';

const dir = fileURLToPath(new URL('../public/icons/', import.meta.url));
const svg = readFileSync(`${dir}coreview.svg`, 'utf8');
const background = /<rect width="512" height="512"[^>]*fill="(#[0-9a-f]{6})"/.exec(svg)?.[1];
if (background === undefined) throw new Error('coreview.svg: no full-size background rect to take the colour from');
const inner = svg.replace('<svg ', '<svg x="51.2" y="51.2" width="409.6" height="409.6" ');
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" fill="${background}"/>${inner}</svg>`;

const icons = [
  { file: 'coreview-192.png', size: 192, source: svg },
  { file: 'coreview-512.png', size: 512, source: svg },
  { file: 'coreview-maskable-512.png', size: 512, source: maskable },
];

const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { file, size, source } of icons) {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}img{display:block}</style><img src="${src}" width="${size}" height="${size}">`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    writeFileSync(`${dir}${file}`, await page.screenshot({ omitBackground: true, type: 'png' }));
    console.log(`wrote public/icons/${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
