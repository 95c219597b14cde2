// Club memory search: BM25 over character n-grams of everything the club said and wrote, with
// snippets and links; optionally re-ranked by a sentence-embedding model. Also finds what an
// earlier meeting said about a summary item ("discussed before on …").
import type { Kysely } from 'kysely';
import type { Database } from '../../db/types.js';
import type { RelatedItem, SearchHit, SearchKind, SearchResponse } from '../../shared/protocol/intelligence.js';
import type { NotesAccess } from '../transcripts/documents.js';
import { Bm25Index } from './bm25.js';
import { clubCorpus, type MemoryText } from './corpus.js';
import { similarity, termCounts } from './ngrams.js';
import { snippet } from './snippet.js';

/** Ranks candidate texts for a query by meaning (cosine of sentence embeddings). */
export interface Reranker {
  rerank(query: string, texts: string[]): Promise<number[]>;
}

export interface MemorySearchOptions {
  maxTexts: number;
  reranker?: Reranker | null;
}

/** BM25 hands this many candidates to the re-ranker. */
const RERANK_POOL = 100;
/** An earlier item counts as related when its n-grams are this close to the summary item's. */
const RELATED_SIMILARITY = 0.2;
const RELATED_PER_ITEM = 2;

export class MemorySearch {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly notes: NotesAccess,
    private readonly options: MemorySearchOptions,
  ) {}

  get engine(): SearchResponse['engine'] {
    return this.options.reranker ? 'embedding' : 'bm25';
  }

  async search(clubId: number, query: string, kinds: readonly SearchKind[], limit: number): Promise<SearchResponse> {
    const texts = await clubCorpus(this.db, this.notes, clubId, { kinds, maxTexts: this.options.maxTexts });
    const index = new Bm25Index<MemoryText>();
    for (const text of texts) index.add(text, text.text);
    let ranked = index.search(query, this.options.reranker ? Math.max(limit, RERANK_POOL) : limit);
    if (this.options.reranker && ranked.length > 0) {
      const scores = await this.options.reranker.rerank(query, ranked.map((r) => r.doc.text));
      ranked = ranked.map((r, i) => ({ doc: r.doc, score: scores[i] ?? 0 })).sort((a, b) => b.score - a.score);
    }
    return { engine: this.engine, items: ranked.slice(0, limit).map(({ doc, score }) => toHit(doc, score, query)) };
  }

  /** For each text, what the club's earlier meetings said about the same thing. */
  async related(clubId: number, meeting: { id: number; at: Date }, items: string[]): Promise<RelatedItem[][]> {
    if (items.length === 0) return [];
    const texts = await clubCorpus(this.db, this.notes, clubId, { kinds: ['transcript', 'minutes'], before: { meetingId: meeting.id, at: meeting.at }, maxTexts: this.options.maxTexts });
    const index = new Bm25Index<MemoryText>();
    for (const text of texts) index.add(text, text.text);
    return items.map((item) => {
      const grams = termCounts(item);
      const out: RelatedItem[] = [];
      for (const { doc } of index.search(item, 20)) {
        if (out.length >= RELATED_PER_ITEM) break;
        if (similarity(grams, termCounts(doc.text)) < RELATED_SIMILARITY) continue;
        if (out.some((r) => r.meeting_id === doc.meeting_id && r.start_ms === doc.start_ms && r.snippet === snippet(doc.text, item))) continue;
        out.push({ meeting_id: doc.meeting_id!, meeting_title: doc.meeting_title ?? '', date: doc.date?.toISOString() ?? null, snippet: snippet(doc.text, item), start_ms: doc.start_ms, link: doc.link });
      }
      return out;
    });
  }
}

function toHit(doc: MemoryText, score: number, query: string): SearchHit {
  return {
    kind: doc.kind,
    score: Math.round(score * 1000) / 1000,
    snippet: snippet(doc.text, query),
    meeting_id: doc.meeting_id,
    meeting_title: doc.meeting_title,
    start_ms: doc.start_ms,
    author_id: doc.author_id,
    created_at: doc.date?.toISOString() ?? null,
    link: doc.link,
  };
}
