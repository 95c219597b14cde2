// Book pages rendered by the test itself (sharp + Pango with the DejaVu Serif font), so OCR
// tests know the exact text on the page.
import { execFileSync } from 'node:child_process';
import type { Context } from 'mocha';
import sharp from 'sharp';

/** Skips (or, with ROUNDTABLE_REQUIRE_SERVICES=1, fails) a suite when a font is not installed. */
export function requireFont(ctx: Context, family: string, debianPackage: string): void {
  let installed: boolean;
  try {
    installed = execFileSync('fc-list', [family], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    installed = false;
  }
  if (installed) return;
  const reason = `needs the ${family} font to render test pages (Debian: ${debianPackage})`;
  if (process.env.ROUNDTABLE_REQUIRE_SERVICES === '1') throw new Error(`${reason}, and ROUNDTABLE_REQUIRE_SERVICES=1 forbids skipping`);
  console.log(`      [skipped: ${reason}]`);
  ctx.skip();
}

export const PRIDE_AND_PREJUDICE = [
  'It is a truth universally acknowledged, that a single',
  'man in possession of a good fortune, must be in want',
  'of a wife. However little known the feelings or views',
  'of such a man may be on his first entering a',
  'neighbourhood, this truth is so well fixed in the minds',
  'of the surrounding families, that he is considered as',
  'the rightful property of some one or other of their',
  'daughters. Chapter 1, page 3.',
];

export async function renderPage(lines: string[], options: { rotate?: 0 | 180; dpi?: number } = {}): Promise<Buffer> {
  const text = await sharp({ text: { text: lines.join('\n'), font: 'DejaVu Serif', width: 1000, dpi: options.dpi ?? 150, rgba: true, spacing: 14 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  const page = sharp({ create: { width: text.info.width + 160, height: text.info.height + 200, channels: 3, background: '#fbf8f0' } })
    .composite([{ input: text.data, left: 80, top: 100 }])
    .png();
  const upright = await page.toBuffer();
  return options.rotate === 180 ? sharp(upright).rotate(180).png().toBuffer() : upright;
}
