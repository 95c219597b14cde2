// Why a video consumer forwards what it forwards. A simulcast or SVC consumer created without
// preferred layers aims at the producer's highest spatial layer (mediasoup sets the preferred
// layers to the top ones); under a transport's bandwidth estimate it may land on that layer's
// temporal layer 0 and wait there for a key frame of it. Each change of the layers a consumer
// forwards is logged (debug) with its type, the layers it prefers and the time since the client
// resumed it, so a freeze measured in a browser can be matched with what the SFU was doing.
import { performance } from 'node:perf_hooks';
import type * as mediasoup from 'mediasoup';
import type { Logger } from '../shared/logger.js';

/** When the client last resumed each consumer (gone with the consumer). */
const resumedAt = new WeakMap<mediasoup.types.Consumer, number>();

export function markResumed(consumer: mediasoup.types.Consumer): void {
  resumedAt.set(consumer, performance.now());
}

export interface LayerTrace {
  meeting_id: number;
  user_id: number;
  consumer_id: string;
  producer_id: string;
  type: string;
  spatial_layer: number | null;
  temporal_layer: number | null;
  preferred_spatial_layer: number | null;
  preferred_temporal_layer: number | null;
  /** null while the consumer has not been resumed. */
  ms_since_resume: number | null;
}

export function layerTrace(consumer: mediasoup.types.Consumer, layers: mediasoup.types.ConsumerLayers | undefined, who: { meetingId: number; userId: number }): LayerTrace {
  const resumed = resumedAt.get(consumer);
  return {
    meeting_id: who.meetingId,
    user_id: who.userId,
    consumer_id: consumer.id,
    producer_id: consumer.producerId,
    type: consumer.type,
    spatial_layer: layers?.spatialLayer ?? null,
    temporal_layer: layers?.temporalLayer ?? null,
    preferred_spatial_layer: consumer.preferredLayers?.spatialLayer ?? null,
    preferred_temporal_layer: consumer.preferredLayers?.temporalLayer ?? null,
    ms_since_resume: resumed === undefined ? null : Math.round(performance.now() - resumed),
  };
}

export function logLayers(logger: Logger, trace: LayerTrace): void {
  logger.debug({ layers: trace }, 'consumer layers changed');
}
