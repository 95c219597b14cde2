// The inference engines this server offers, per task: image models (OCR) from configuration
// (MODELS_FILE, a JSON list) or the built-in list, each loaded and warmed with one real
// inference at start; and the engines of the other tasks (voice activity, speech recognition,
// summaries, sentence embeddings), which their own modules build and register here with their
// state. GET /api/models and /readyz list every one; an engine that cannot run here is listed
// as unavailable with the reason, not silently dropped.
import fs from 'node:fs';
import sharp from 'sharp';
import { z } from 'zod';
import type { Logger } from '../../shared/logger.js';
import { bundledPaddleModels, PaddleOcr, type OcrResult } from './ocr/paddle.js';
import { findTessdata, TesseractOcr } from './tesseract.js';

export interface ImageEngine {
  read(image: Buffer): Promise<OcrResult>;
  close(): Promise<void>;
}

const modelSchema = z.discriminatedUnion('engine', [
  z.strictObject({
    id: z.string().regex(/^[a-z0-9._-]{1,64}$/),
    name: z.string().min(1).max(100),
    description: z.string().max(500).default(''),
    task: z.literal('ocr'),
    engine: z.literal('paddleocr'),
    files: z.strictObject({ detection: z.string(), classifier: z.string(), recognition: z.string(), dictionary: z.string() }).optional(),
  }),
  z.strictObject({
    id: z.string().regex(/^[a-z0-9._-]{1,64}$/),
    name: z.string().min(1).max(100),
    description: z.string().max(500).default(''),
    task: z.literal('ocr'),
    engine: z.literal('tesseract'),
    language: z.string().regex(/^[a-z_]{3,16}$/),
    files: z.strictObject({ tessdata: z.string() }).optional(),
  }),
]);
export type ModelDefinition = z.infer<typeof modelSchema>;

export const BUILT_IN_MODELS: ModelDefinition[] = [
  {
    id: 'paddleocr-v4',
    name: 'Book page OCR (English, digits, Chinese)',
    description: 'PaddleOCR v4 text detection, direction and recognition models on onnxruntime; detects upside-down pages',
    task: 'ocr',
    engine: 'paddleocr',
  },
  {
    id: 'tesseract-kor',
    name: 'Book page OCR (Korean)',
    description: 'Tesseract LSTM with the Korean language data installed on this server',
    task: 'ocr',
    engine: 'tesseract',
    language: 'kor',
  },
];

export type ModelState = 'loading' | 'ready' | 'unavailable' | 'failed';
export type InferenceTask = 'ocr' | 'vad' | 'asr' | 'summary' | 'embed';

/** An engine of a task other than OCR, as its module reports it. */
export interface EngineStatus {
  id: string;
  name: string;
  description: string;
  task: Exclude<InferenceTask, 'ocr'>;
  state: ModelState;
  /** Why it is not ready (required when unavailable or failed). */
  detail?: string;
}

interface ModelEntry {
  definition: ModelDefinition;
  state: ModelState;
  detail?: string;
  engine?: ImageEngine;
  warmupMs?: number;
}

export interface ModelSummary {
  id: string;
  name: string;
  description: string;
  task: InferenceTask;
  state: ModelState;
  available: boolean;
  unavailable_reason?: string;
}

export function readModelDefinitions(file?: string): ModelDefinition[] {
  if (!file) return BUILT_IN_MODELS;
  const parsed = z.array(modelSchema).min(1).safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`MODELS_FILE ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A one-line page the warm-up reads, so every stage (detection, direction, recognition) runs once. */
async function warmupPage(): Promise<Buffer> {
  try {
    const text = await sharp({ text: { text: 'Warm up 123', dpi: 150, rgba: true } }).png().toBuffer({ resolveWithObject: true });
    return sharp({ create: { width: text.info.width + 80, height: text.info.height + 80, channels: 3, background: '#ffffff' } })
      .composite([{ input: text.data, left: 40, top: 40 }])
      .png()
      .toBuffer();
  } catch {
    // No fonts on this machine: a blank page still exercises detection.
    return sharp({ create: { width: 320, height: 120, channels: 3, background: '#ffffff' } }).png().toBuffer();
  }
}

export class ModelRegistry {
  private readonly entries = new Map<string, ModelEntry>();
  private readonly engines = new Map<string, EngineStatus>();
  private loading: Promise<void> | null = null;

  constructor(definitions: ModelDefinition[], private readonly options: { ocrThreads: number; tessdataDir?: string; warmup: boolean }, private readonly logger: Logger) {
    for (const definition of definitions) this.entries.set(definition.id, { definition, state: 'loading' });
  }

  /** Loads and warms every model, one at a time (they share the CPU). Resolves when all are settled. */
  start(): Promise<void> {
    this.loading ??= (async () => {
      const page = this.options.warmup ? await warmupPage() : null;
      for (const entry of this.entries.values()) await this.load(entry, page);
    })();
    return this.loading;
  }

  /** Lists an engine of another task; the returned function reports its later states. */
  registerEngine(status: EngineStatus): (update: Pick<EngineStatus, 'state' | 'detail'>) => void {
    if (this.entries.has(status.id) || this.engines.has(status.id)) throw new Error(`engine ${status.id} is listed twice`);
    this.engines.set(status.id, { ...status });
    return (update) => {
      const current = this.engines.get(status.id);
      if (current) this.engines.set(status.id, { ...current, state: update.state, ...(update.detail === undefined ? { detail: undefined } : { detail: update.detail }) });
    };
  }

  list(): ModelSummary[] {
    const images = [...this.entries.values()].map(({ definition, state, detail }) => summary({ ...definition, state, detail }));
    return [...images, ...[...this.engines.values()].map(summary)];
  }

  /** Whether `id` names an image model (the models image jobs run). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** The engine of a ready model; throws with the reason otherwise. */
  engine(id: string): ImageEngine {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`unknown model ${id}`);
    if (entry.state !== 'ready' || !entry.engine) throw new Error(`model ${id} is ${entry.state}${entry.detail ? `: ${entry.detail}` : ''}`);
    return entry.engine;
  }

  /** Readiness: settled, and no model that could load failed to. Unavailable ones are reported, not fatal. */
  readiness(): { ok: boolean; detail: string } {
    const images = [...this.entries.values()].map((e) => `${e.definition.id}=${e.state}${e.warmupMs !== undefined ? `(${e.warmupMs}ms)` : ''}${e.detail && e.state !== 'ready' ? ` [${e.detail}]` : ''}`);
    const others = [...this.engines.values()].map((e) => `${e.task}:${e.id}=${e.state}${e.detail && e.state !== 'ready' ? ` [${e.detail}]` : ''}`);
    const states = [...images, ...others];
    const ok = [...this.entries.values(), ...this.engines.values()].every((e) => e.state === 'ready' || e.state === 'unavailable');
    return { ok, detail: states.join(', ') };
  }

  async close(): Promise<void> {
    await this.loading?.catch(() => {});
    await Promise.all([...this.entries.values()].map((e) => e.engine?.close() ?? Promise.resolve()));
  }

  private async load(entry: ModelEntry, page: Buffer | null): Promise<void> {
    const { definition } = entry;
    try {
      const engine = await this.create(definition, entry);
      if (!engine) return;
      const started = Date.now();
      if (page) await engine.read(page);
      entry.engine = engine;
      entry.warmupMs = Date.now() - started;
      entry.state = 'ready';
      this.logger.info({ model: definition.id, warmupMs: entry.warmupMs }, 'model ready');
    } catch (err) {
      entry.state = 'failed';
      entry.detail = (err as Error).message;
      this.logger.error({ model: definition.id, err: entry.detail }, 'model failed to load');
    }
  }

  private async create(definition: ModelDefinition, entry: ModelEntry): Promise<ImageEngine | null> {
    if (definition.engine === 'paddleocr') {
      const paths = definition.files ?? bundledPaddleModels();
      const missing = Object.values(paths as Record<keyof typeof paths, string>).filter((p) => !fs.existsSync(p));
      if (missing.length > 0) return this.unavailable(entry, `missing model files: ${missing.join(', ')}`);
      return PaddleOcr.load(paths, { threads: this.options.ocrThreads });
    }
    const found = findTessdata(definition.language, definition.files?.tessdata ?? this.options.tessdataDir);
    if (found.dir === null) return this.unavailable(entry, found.reason);
    return TesseractOcr.load(definition.language, found.dir);
  }

  private unavailable(entry: ModelEntry, reason: string): null {
    entry.state = 'unavailable';
    entry.detail = reason;
    this.logger.warn({ model: entry.definition.id, reason }, 'model unavailable');
    return null;
  }
}

function summary(e: { id: string; name: string; description: string; task: InferenceTask; state: ModelState; detail?: string | undefined }): ModelSummary {
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    task: e.task,
    state: e.state,
    available: e.state === 'ready',
    ...(e.state === 'ready' ? {} : { unavailable_reason: e.state === 'loading' ? 'still loading' : (e.detail ?? e.state) }),
  };
}
