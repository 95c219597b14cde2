// Who is speaking in a meeting: mediasoup's active speaker observer picks the dominant
// speaker; its audio level observer reports everyone above the talk threshold, which is
// also how talk time grows (one sampling interval per report a member appears in).
import type * as mediasoup from 'mediasoup';
import type { MediaSettings } from './settings.js';

export interface SpeechHandlers {
  dominant(producerId: string): void;
  /** Loudest first; empty when everybody fell silent. */
  levels(levels: { producerId: string; volume: number }[], intervalMs: number): void;
}

export class SpeechObservers {
  private constructor(
    private readonly activeSpeaker: mediasoup.types.ActiveSpeakerObserver,
    private readonly audioLevels: mediasoup.types.AudioLevelObserver,
  ) {}

  static async open(router: mediasoup.types.Router, settings: MediaSettings, handlers: SpeechHandlers): Promise<SpeechObservers> {
    const activeSpeaker = await router.createActiveSpeakerObserver({ interval: 300 });
    const audioLevels = await router.createAudioLevelObserver({
      maxEntries: Math.min(settings.maxPeersPerMeeting, 100),
      threshold: settings.talkThresholdDb,
      interval: settings.levelIntervalMs,
    });
    activeSpeaker.on('dominantspeaker', ({ producer }: mediasoup.types.ActiveSpeakerObserverActivity) => handlers.dominant(producer.id));
    audioLevels.on('volumes', (volumes: mediasoup.types.AudioLevelObserverVolume[]) =>
      handlers.levels(
        volumes.map((v) => ({ producerId: v.producer.id, volume: v.volume })),
        settings.levelIntervalMs,
      ),
    );
    audioLevels.on('silence', () => handlers.levels([], settings.levelIntervalMs));
    return new SpeechObservers(activeSpeaker, audioLevels);
  }

  /** Observes an audio producer that lives on (or was piped to) the observers' router. */
  async add(producerId: string): Promise<void> {
    await Promise.all([this.activeSpeaker.addProducer({ producerId }), this.audioLevels.addProducer({ producerId })]);
  }

  close(): void {
    this.activeSpeaker.close();
    this.audioLevels.close();
  }
}
