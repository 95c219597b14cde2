// Prometheus metrics of the media side, read from the pool when scraped. Per-worker series
// are labelled by the worker's place in the pool, which a replacement worker inherits.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { WorkerLoad } from './worker-load.js';
import type { WorkerPool } from './worker-pool.js';

export interface MeetingCounts {
  readonly meetingCount: number;
  readonly peerCount: number;
}

type LoadField = 'routers' | 'producers' | 'consumers';

/** Brings each transport's byte counts up to date (closed transports keep their last ones). */
async function refreshBytes(load: WorkerLoad): Promise<{ received: number; sent: number }> {
  await Promise.all(
    [...load.transports].map(async (transport) => {
      try {
        const stats = (await transport.getStats()) as { bytesReceived?: number; bytesSent?: number }[];
        const received = stats.reduce((sum, s) => sum + (s.bytesReceived ?? 0), 0);
        const sent = stats.reduce((sum, s) => sum + (s.bytesSent ?? 0), 0);
        if (!transport.closed) load.lastBytes.set(transport, { received, sent });
      } catch {
        // Closed while asked: its last known counts were retired with it.
      }
    }),
  );
  let received = load.retiredBytesReceived;
  let sent = load.retiredBytesSent;
  for (const bytes of load.lastBytes.values()) {
    received += bytes.received;
    sent += bytes.sent;
  }
  return { received, sent };
}

export function sfuMetrics(pool: WorkerPool, registry: Registry, meetings?: MeetingCounts): void {
  const registers = [registry];
  const loads = () => pool.entries().flatMap(({ index, worker }) => {
    const load = pool.load(worker);
    return load && !worker.closed ? [{ worker: String(index), load, handle: worker }] : [];
  });

  new Gauge({ name: 'sfu_workers', help: 'Live mediasoup workers', registers, collect() { this.set(pool.live().length); } });
  new Counter({ name: 'sfu_worker_deaths_total', help: 'mediasoup workers that died (and were replaced)', registers, collect() { this.reset(); this.inc(pool.deaths); } });

  const perWorker = (name: string, help: string, read: (load: WorkerLoad) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['worker'],
      registers,
      collect() {
        this.reset();
        for (const { worker, load } of loads()) this.set({ worker }, read(load));
      },
    });
  const fields: [string, string, LoadField][] = [
    ['sfu_routers', 'Routers (one or more per meeting)', 'routers'],
    ['sfu_producers', 'Producers, pipes included', 'producers'],
    ['sfu_consumers', 'Consumers, pipes and audio taps included', 'consumers'],
  ];
  for (const [name, help, field] of fields) perWorker(name, help, (load) => load[field]);
  perWorker('sfu_transports', 'Transports (WebRTC, plain, pipe)', (load) => load.transports.size);

  new Counter({
    name: 'sfu_worker_cpu_seconds_total',
    help: 'CPU time (user + system) used by each mediasoup worker',
    labelNames: ['worker'],
    registers,
    async collect() {
      this.reset();
      await Promise.all(
        loads().map(async ({ worker, handle }) => {
          const usage = await handle.getResourceUsage().catch(() => null);
          if (usage) this.inc({ worker }, (usage.ru_utime + usage.ru_stime) / 1000);
        }),
      );
    },
  });

  // Both byte counters are collected at once (prom-client runs collects concurrently): they share one round of stats.
  let round: { at: number; bytes: Promise<[string, { received: number; sent: number }][]> } | null = null;
  const currentBytes = () => {
    if (!round || Date.now() - round.at > 100) {
      round = { at: Date.now(), bytes: Promise.all(loads().map(async ({ worker, load }) => [worker, await refreshBytes(load)] as [string, { received: number; sent: number }])) };
    }
    return round.bytes;
  };
  const bytesCounter = (name: string, help: string, pick: 'received' | 'sent') =>
    new Counter({
      name,
      help,
      labelNames: ['worker'],
      registers,
      async collect() {
        const bytes = await currentBytes();
        this.reset();
        for (const [worker, counts] of bytes) this.inc({ worker }, counts[pick]);
      },
    });
  bytesCounter('sfu_bytes_received_total', 'Bytes received by the SFU transports', 'received');
  bytesCounter('sfu_bytes_sent_total', 'Bytes sent by the SFU transports', 'sent');

  if (meetings) {
    new Gauge({ name: 'sfu_meetings', help: 'Meetings with media on this node', registers, collect() { this.set(meetings.meetingCount); } });
    new Gauge({ name: 'sfu_peers', help: 'Peers in those meetings', registers, collect() { this.set(meetings.peerCount); } });
  }
}

/**
 * GET /metrics in Prometheus' text format. With a token, scrapers must send it as a bearer
 * token (the figures show how busy the server is, and with what).
 */
export function metricsRouter(registry: Registry, options: { token?: string } = {}): Router {
  const router = Router();
  const expected = options.token ? createHash('sha256').update(options.token).digest() : null;
  router.get('/metrics', async (req, res, next) => {
    if (expected) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!timingSafeEqual(createHash('sha256').update(given).digest(), expected)) {
        res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: { code: 'token_missing', message: 'Send the metrics token as a bearer token' } });
        return;
      }
    }
    try {
      const body = await registry.metrics();
      res.type(registry.contentType).send(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
