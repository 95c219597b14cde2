// How the SFU places and limits media. Built from the SFU_* configuration by the composition
// root; tests and benchmarks pass their own.
import type { Config } from '../shared/config.js';

export interface MediaSettings {
  /** Address the RTC sockets listen on (SFU_LISTEN_IP). */
  listenIp: string;
  /** Address put in ICE candidates when clients must reach us through NAT (SFU_ANNOUNCED_IP). */
  announcedIp?: string;
  /** A meeting admits at most this many peers, whatever the club allows (SFU_MAX_PEERS_PER_MEETING). */
  maxPeersPerMeeting: number;
  /** Past this many consumers a meeting's router gets no new peers; a new router is opened (SFU_CONSUMERS_PER_ROUTER). */
  consumersPerRouter: number;
  /** Cap on what one client may send, in bits per second (SFU_MAX_INCOMING_BITRATE). */
  maxIncomingBitrate: number;
  /** A peer whose socket dropped keeps its transports this long. */
  reconnectGraceMs: number;
  /** Audio louder than this (dBov) counts as talking. */
  talkThresholdDb: number;
  /** How often audio levels are sampled (and talk time grows), in ms. */
  levelIntervalMs: number;
  /** How often accumulated talk time is written to the meeting record, in ms. */
  talkFlushMs: number;
  /**
   * Spatial layer a layered (simulcast/SVC) video consumer prefers when created; the client then
   * asks for the layer its tile needs (consumer:set-layers). Aiming at the top layer from the
   * start made the first seconds under the initial bandwidth estimate stall.
   */
  startSpatialLayer: number;
  /** While a resumed layered video consumer forwards nothing, a key frame is asked for this often (see key-frame-watch.ts). */
  keyFrameRetryMs: number;
}

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = {
  listenIp: '127.0.0.1',
  maxPeersPerMeeting: 50,
  consumersPerRouter: 600,
  maxIncomingBitrate: 1_500_000,
  reconnectGraceMs: 30_000,
  talkThresholdDb: -50,
  levelIntervalMs: 500,
  talkFlushMs: 15_000,
  startSpatialLayer: 1,
  keyFrameRetryMs: 1_000,
};

/** What of shared/config's SFU section sets the media rules. */
export type SfuConfig = Pick<Config['sfu'], 'listenIp' | 'announcedIp' | 'maxPeersPerMeeting' | 'consumersPerRouter' | 'maxIncomingBitrate' | 'reconnectGraceMs'>;

export function mediaSettingsFrom(config: SfuConfig): MediaSettings {
  return {
    ...DEFAULT_MEDIA_SETTINGS,
    listenIp: config.listenIp,
    announcedIp: config.announcedIp,
    maxPeersPerMeeting: config.maxPeersPerMeeting,
    consumersPerRouter: config.consumersPerRouter,
    maxIncomingBitrate: config.maxIncomingBitrate,
    reconnectGraceMs: config.reconnectGraceMs,
  };
}
