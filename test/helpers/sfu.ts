// A worker pool and a MeetingHub for SFU tests, with every delivery to clients recorded.
import { AudioTaps } from '../../sfu/audio-taps.js';
import { MeetingHub } from '../../sfu/meeting-hub.js';
import { MemoryRecorder, type MeetingRecorder } from '../../sfu/recorder.js';
import { DEFAULT_MEDIA_SETTINGS, type MediaSettings } from '../../sfu/settings.js';
import { WorkerPool } from '../../sfu/worker-pool.js';
import type { Clock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import type { MediaDelivery, MediaServerEvent, MediaServerPayloads } from '../../shared/protocol/meetings-media.js';

export interface SfuFixture {
  pool: WorkerPool;
  hub: MeetingHub;
  taps: AudioTaps;
  recorder: MeetingRecorder;
  deliveries: MediaDelivery[];
  /** Payloads of one event delivered to `userId` (to anyone when left out). */
  received<E extends MediaServerEvent>(event: E, userId?: number): MediaServerPayloads[E][];
  close(): Promise<void>;
}

export interface SfuFixtureOptions {
  workers?: number;
  settings?: Partial<MediaSettings>;
  recorder?: MeetingRecorder;
  /** Times the reconnect grace period (a ManualClock lets the test move it). */
  clock?: Clock;
}

export async function startSfu(options: SfuFixtureOptions = {}): Promise<SfuFixture> {
  const logger = createLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'silent');
  const pool = await WorkerPool.start({ count: options.workers ?? 1, rtcMinPort: 40000, rtcMaxPort: 49999, logLevel: 'error' }, logger);
  const taps = new AudioTaps(logger);
  const recorder = options.recorder ?? new MemoryRecorder();
  const hub = new MeetingHub({ pool, settings: { ...DEFAULT_MEDIA_SETTINGS, ...options.settings }, recorder, logger, taps, clock: options.clock });
  const deliveries: MediaDelivery[] = [];
  hub.subscribe((d) => deliveries.push(d));
  return {
    pool,
    hub,
    taps,
    recorder,
    deliveries,
    received<E extends MediaServerEvent>(event: E, userId?: number) {
      return deliveries
        .filter((d) => d.event === event && (userId === undefined || d.to.includes(userId)))
        .map((d) => d.payload as MediaServerPayloads[E]);
    },
    async close() {
      await hub.close();
      pool.close();
    },
  };
}
