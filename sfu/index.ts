// The SFU's public surface, for the composition root and the signaling handlers.
export { AudioTaps, type AudioTapListener, type TapInfo, type TapPacket } from './audio-taps.js';
export { MeetingHub, type JoinIntent, type MeetingHubDeps, type MeetingSnapshot } from './meeting-hub.js';
export { metricsRouter, sfuMetrics } from './metrics.js';
export { MemoryRecorder, type MeetingRecorder } from './recorder.js';
export { DEFAULT_MEDIA_SETTINGS, mediaSettingsFrom, type MediaSettings } from './settings.js';
export { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
