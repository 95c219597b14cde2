// When the SFU asks a sender for a key frame on behalf of one layered (simulcast / SVC) video
// consumer, beyond what mediasoup asks by itself. Two cases, both measured in Chromium:
//
// Forwarding nothing. A consumer that aims at a layer but forwards none waits for a key frame of
// that layer. mediasoup asks the sender once, asks again a second later, and then leaves it to
// the receiver; but a browser that gets no packets of a stream stops asking for its key frames.
// After a media cut both of mediasoup's requests can go out while the sender's own path is still
// down, and the consumer then forwards nothing for good although the sender is back and the
// bandwidth estimate is ample (bench/meeting/media-cut-recovery.ts: target S1T2, current none,
// for 60 s and more with 1.6 Mb/s available, in about half of the runs). So while a resumed
// consumer forwards nothing and its producer sends, ask again on every tick; mediasoup folds
// repeated requests for one stream into a pending one, so the sender sees about one a second.
//
// Climbing. With VP8 a consumer steps up a temporal layer only at a layer-sync frame, which
// Chrome sends after a key frame; a consumer whose first layers are below its top temporal layer
// (the resume's key frame went by at the lower one) would sit there until the receiver asks for
// a key frame, 3 s on. So ask once. Not at once, though: Chrome ignores a key frame request that
// comes within 300 ms of the previous one, which was the resume's; then mediasoup's own retry a
// second later was what brought the key frame (bench/meeting/video-start.ts: a 1.0–1.1 s freeze
// after the first frame in 12 of 12 runs).
import type * as mediasoup from 'mediasoup';
import type { Clock, Timer } from '../shared/clock.js';

/** Chrome drops a key frame request this soon after the previous one (its minimum key frame interval is 300 ms). */
const AFTER_RESUME_MS = 350;

export class KeyFrameWatch {
  #timer: Timer | null = null;
  #climb: Timer | null = null;
  #climbed = false;
  #resumedAt: number | null = null;

  constructor(
    private readonly consumer: mediasoup.types.Consumer,
    private readonly clock: Clock,
    private readonly everyMs: number,
  ) {
    consumer.observer.once('close', () => {
      this.stop();
      this.#climb?.cancel();
    });
    consumer.on('producerpause', () => this.stop());
    consumer.on('producerresume', () => this.start());
  }

  /** The client resumed the consumer (mediasoup asks the sender for a key frame then). */
  resumed(): void {
    this.#resumedAt = this.clock.now();
  }

  /** The consumer's layers changed: watch while it has none; climb once if it starts low. */
  layersChanged(layers: mediasoup.types.ConsumerLayers | undefined): void {
    if (!layers) {
      this.start();
      return;
    }
    this.stop();
    this.climbFrom(layers);
  }

  /** Starts watching if the consumer is a layered one forwarding nothing; idempotent. */
  start(): void {
    if (this.#timer || !this.layered() || this.consumer.closed) return;
    this.#timer = this.clock.interval(() => this.tick(), this.everyMs);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  private tick(): void {
    const consumer = this.consumer;
    // Forwarding again, or paused by either side (a resume starts the watch again): nothing is owed.
    if (consumer.closed || consumer.currentLayers || consumer.producerPaused || consumer.paused) {
      this.stop();
      return;
    }
    // The sender sends nothing usable either (its own path is down): a request would be lost too.
    if (!consumer.score.producerScores.some((score) => score > 0)) return;
    consumer.requestKeyFrame().catch(() => undefined);
  }

  private climbFrom(layers: mediasoup.types.ConsumerLayers): void {
    if (this.#climbed || !this.layered()) return;
    const wanted = this.consumer.preferredLayers?.temporalLayer;
    if (wanted === undefined || (layers.temporalLayer ?? 0) >= wanted) return;
    this.#climbed = true;
    const since = this.#resumedAt === null ? AFTER_RESUME_MS : this.clock.now() - this.#resumedAt;
    this.#climb = this.clock.timeout(() => {
      this.#climb = null;
      const now = this.consumer.currentLayers;
      if (!this.consumer.closed && now && (now.temporalLayer ?? 0) < wanted) this.consumer.requestKeyFrame().catch(() => undefined);
    }, Math.max(0, AFTER_RESUME_MS - since));
  }

  private layered(): boolean {
    return this.consumer.kind === 'video' && (this.consumer.type === 'simulcast' || this.consumer.type === 'svc');
  }
}
