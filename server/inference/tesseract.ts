// Tesseract (tesseract.js, WebAssembly) with language data from the system's tessdata
// directory (Debian: tesseract-ocr-kor). Used for scripts the PaddleOCR models do not read.
import fs from 'node:fs';
import path from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import type { Quad } from './ocr/geometry.js';
import type { OcrResult } from './ocr/paddle.js';
import sharp from 'sharp';
import { decodeRgb } from './ocr/raster.js';

export const TESSDATA_DIRS = ['/usr/share/tesseract-ocr/5/tessdata', '/usr/share/tesseract-ocr/4.00/tessdata', '/usr/share/tessdata'];

/** The directory holding `<lang>.traineddata`, or null with the reason it is missing. */
export function findTessdata(lang: string, configured?: string): { dir: string } | { dir: null; reason: string } {
  const candidates = configured ? [configured] : TESSDATA_DIRS;
  for (const dir of candidates) if (fs.existsSync(path.join(dir, `${lang}.traineddata`))) return { dir };
  return {
    dir: null,
    reason: `${lang}.traineddata not found in ${candidates.join(', ')}; install Debian's tesseract-ocr-${lang} or set TESSDATA_DIR`,
  };
}

export class TesseractOcr {
  private constructor(private readonly worker: Worker) {}

  static async load(lang: string, tessdataDir: string): Promise<TesseractOcr> {
    // cacheMethod 'none' + a local langPath: nothing is fetched or written outside tessdata.
    const worker = await createWorker(lang, OEM.LSTM_ONLY, { langPath: tessdataDir, gzip: false, cacheMethod: 'none' });
    // Decoded pages carry no resolution; photographed pages are typically ~300 dpi equivalent.
    await worker.setParameters({ user_defined_dpi: '300' });
    return new TesseractOcr(worker);
  }

  async read(input: Buffer): Promise<OcrResult> {
    const page = await decodeRgb(input);
    const png = await sharp(page.data, { raw: { width: page.width, height: page.height, channels: 3 } }).png().toBuffer();
    const { data } = await this.worker.recognize(png, {}, { blocks: true, text: true });
    const lines = (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((p) => p.lines));
    return {
      orientation: 0,
      width: page.width,
      height: page.height,
      lines: lines
        .filter((line) => line.text.trim().length > 0)
        .map((line) => {
          const { x0, y0, x1, y1 } = line.bbox;
          const box: Quad = [{ x: x0, y: y0 }, { x: x1, y: y0 }, { x: x1, y: y1 }, { x: x0, y: y1 }];
          return { text: line.text.trim(), confidence: Math.round(line.confidence * 10) / 1000, box };
        }),
    };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
