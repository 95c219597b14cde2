// The meeting's transcript as the panel holds it: lines in the order they were said, merged
// from the REST pages and the live `transcript:segment` events (either may come first).
export interface TranscriptLine {
  id: number;
  speaker_id: number | null;
  start_ms: number;
  text: string;
}

/** `lines` with `incoming` merged in: one line per id, ordered by start time then id. */
export function mergeLines(lines: readonly TranscriptLine[], incoming: readonly TranscriptLine[]): TranscriptLine[] {
  const byId = new Map<number, TranscriptLine>();
  for (const line of lines) byId.set(line.id, line);
  for (const line of incoming) byId.set(line.id, line);
  return [...byId.values()].sort((a, b) => a.start_ms - b.start_ms || a.id - b.id);
}

/** Runs of consecutive lines by the same speaker, for one name above each run. */
export function speakerRuns(lines: readonly TranscriptLine[]): TranscriptLine[][] {
  const runs: TranscriptLine[][] = [];
  for (const line of lines) {
    const last = runs.at(-1);
    if (last?.[0]?.speaker_id === line.speaker_id) last.push(line);
    else runs.push([line]);
  }
  return runs;
}

/** The DOM id of a transcript line, for citations. */
export const lineDomId = (meetingId: number, segmentId: number): string => `meeting-${meetingId}-line-${segmentId}`;

/** Milliseconds into the meeting as m:ss (or h:mm:ss). */
export function clockOf(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
