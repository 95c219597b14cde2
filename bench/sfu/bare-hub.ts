// The benchmark's peer: the same bots on bare mediasoup routers (one per meeting, same codecs,
// same worker settings), with none of the hub's rules, bookkeeping, speech observers or taps.
// What the hub costs is the difference between the two.
import type * as mediasoup from 'mediasoup';
import { ROUTER_CODECS } from '../../sfu/codecs.js';
import type { JoinIntent } from '../../sfu/meeting-hub.js';
import type { ConsumerReply, JoinReply, MediaClientPayload } from '../../shared/protocol/meetings-media.js';
import type { BotHub } from '../../test/helpers/rtp-bots.js';

export class BareRouterHub implements BotHub {
  private readonly routers = new Map<number, Promise<mediasoup.types.Router>>();
  private readonly transports = new Map<string, mediasoup.types.PlainTransport>();
  private readonly consumers = new Map<string, mediasoup.types.Consumer>();

  constructor(private readonly worker: mediasoup.types.Worker) {}

  private router(meetingId: number): Promise<mediasoup.types.Router> {
    let router = this.routers.get(meetingId);
    if (!router) {
      router = this.worker.createRouter({ mediaCodecs: ROUTER_CODECS });
      this.routers.set(meetingId, router);
    }
    return router;
  }

  private transport(id: string): mediasoup.types.PlainTransport {
    const transport = this.transports.get(id);
    if (!transport) throw new Error(`no transport ${id}`);
    return transport;
  }

  async join(intent: JoinIntent): Promise<JoinReply> {
    const router = await this.router(intent.meetingId);
    return {
      meeting_id: intent.meetingId,
      rtp_capabilities: router.rtpCapabilities,
      self: { user_id: intent.userId, can_publish: true, mic_locked: false },
      peers: [],
      resumed: false,
      transcription: { on: false, opted_out: [] },
      hands: [],
      recreate_transports: true,
      transports: [],
      producers: [],
      consumers: [],
      rtp_capabilities_known: false,
      active_speaker: null,
    };
  }

  async createPlainTransport(_userId: number, meetingId: number): Promise<{ id: string; ip: string; port: number }> {
    const transport = await (await this.router(meetingId)).createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: true, comedia: false });
    this.transports.set(transport.id, transport);
    return { id: transport.id, ip: transport.tuple.localIp, port: transport.tuple.localPort };
  }

  async connectPlainTransport(_userId: number, _meetingId: number, transportId: string, remote: { ip: string; port: number }): Promise<void> {
    await this.transport(transportId).connect(remote);
  }

  async produce(_userId: number, p: MediaClientPayload<'produce'>): Promise<{ id: string; paused: boolean }> {
    const producer = await this.transport(p.transport_id).produce({ kind: p.kind, rtpParameters: p.rtp_parameters, paused: p.paused });
    return { id: producer.id, paused: producer.paused };
  }

  async consume(_userId: number, p: MediaClientPayload<'consume'>): Promise<ConsumerReply> {
    // The bench's bots all receive what the router offers: its own capabilities stand in when none are given.
    const rtpCapabilities = p.rtp_capabilities ?? (await this.router(p.meeting_id)).rtpCapabilities;
    const consumer = await this.transport(p.transport_id).consume({ producerId: p.producer_id, rtpCapabilities, paused: true });
    this.consumers.set(consumer.id, consumer);
    const { id, producerId, kind, rtpParameters, type, producerPaused } = consumer;
    return { id, producerId, kind, rtpParameters, type, producerPaused, user_id: 0, source: kind === 'audio' ? 'mic' : 'camera' };
  }

  async resumeConsumer(_userId: number, p: MediaClientPayload<'consumer:resume'>): Promise<Record<string, never>> {
    const consumer = this.consumers.get(p.consumer_id);
    if (!consumer) throw new Error(`no consumer ${p.consumer_id}`);
    await consumer.resume();
    return {};
  }

  async close(): Promise<void> {
    for (const router of this.routers.values()) (await router).close();
    this.routers.clear();
    this.transports.clear();
    this.consumers.clear();
  }
}
