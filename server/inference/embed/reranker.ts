// Search re-ranking by sentence embeddings, when EMBED_MODEL_DIR names a model: BM25 finds the
// candidates, the model orders them by meaning. Vectors of texts seen before are kept (bounded).
import type { Logger } from '../../../shared/logger.js';
import type { Reranker } from '../../search/memory.js';
import { EmbeddingEngine, dot } from './engine.js';

const BATCH = 16;
const CACHE_ENTRIES = 20_000;

export class EmbeddingReranker implements Reranker {
  private readonly cache = new Map<string, Float32Array>();

  constructor(private readonly engine: EmbeddingEngine) {}

  async rerank(query: string, texts: string[]): Promise<number[]> {
    const [q] = await this.engine.embed([query]);
    const vectors = await this.vectors(texts);
    return vectors.map((v) => dot(q!, v));
  }

  private async vectors(texts: string[]): Promise<Float32Array[]> {
    const missing = [...new Set(texts.filter((t) => !this.cache.has(t)))];
    for (let i = 0; i < missing.length; i += BATCH) {
      const chunk = missing.slice(i, i + BATCH);
      const vectors = await this.engine.embed(chunk);
      chunk.forEach((text, j) => {
        if (this.cache.size >= CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(text, vectors[j]!);
      });
    }
    return texts.map((t) => this.cache.get(t)!);
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

export async function loadEmbeddingReranker(dir: string, logger: Logger): Promise<EmbeddingReranker> {
  const engine = await EmbeddingEngine.load(dir);
  logger.info({ dir }, 'sentence embeddings re-rank club search');
  return new EmbeddingReranker(engine);
}
