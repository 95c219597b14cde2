// A layered video consumer that aims at a layer but forwards none is waiting for a key frame of
// that layer. mediasoup asks the sender once, asks again a second later, and then leaves it to
// the receiver; but a browser that gets no packets of a stream stops asking for its key frames.
// After a media cut both of mediasoup's requests can go out while the sender's own path is still
// down, and the consumer then forwards nothing for good although the sender is back and the
// bandwidth estimate is ample. Measured with bench/meeting/media-cut-recovery.ts: the stuck
// consumer sat at target S1T2, current none, for 60 s and more with 1.6 Mb/s available, in about
// half of the runs; one key frame request from here ended it every time.
//
// So while a resumed consumer forwards nothing and its producer sends, ask again on every tick.
// mediasoup folds repeated requests for one stream into a pending one, so the sender sees at
// most about one request a second however many consumers wait.
import type * as mediasoup from 'mediasoup';
import type { Clock, Timer } from '../shared/clock.js';

export class KeyFrameWatch {
  #timer: Timer | null = null;
  /** Requests made while the consumer forwarded nothing (for logs and tests). */
  #asked = 0;

  constructor(
    private readonly consumer: mediasoup.types.Consumer,
    private readonly clock: Clock,
    private readonly everyMs: number,
  ) {
    consumer.observer.once('close', () => this.stop());
    consumer.on('producerpause', () => this.stop());
    consumer.on('producerresume', () => this.start());
  }

  get asked(): number {
    return this.#asked;
  }

  /** The consumer's layers changed: watch while it has none. */
  layersChanged(layers: mediasoup.types.ConsumerLayers | undefined): void {
    if (layers) this.stop();
    else this.start();
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
    if (consumer.closed || consumer.currentLayers || consumer.producerPaused) {
      this.stop();
      return;
    }
    // Paused by the receiver (a hidden tile): nothing is owed; the resume starts watching again.
    if (consumer.paused) {
      this.stop();
      return;
    }
    // The sender sends nothing usable either (its own path is down): a request would be lost too.
    if (!consumer.score.producerScores.some((score) => score > 0)) return;
    this.#asked += 1;
    consumer.requestKeyFrame().catch(() => undefined);
  }

  private layered(): boolean {
    return this.consumer.kind === 'video' && (this.consumer.type === 'simulcast' || this.consumer.type === 'svc');
  }
}
