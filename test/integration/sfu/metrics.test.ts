// GET /metrics: the pool's workers, routers, transports, producers, consumers, worker CPU
// and bytes in/out, in Prometheus' text format.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { metricsRouter, sfuMetrics } from '../../../sfu/metrics.js';
import { intentFor, RtpBot } from '../../helpers/rtp-bots.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

function sample(text: string, name: string, labels = ''): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('sfu: metrics', function () {
  this.timeout(60_000);
  let sfu: SfuFixture;
  let server: http.Server;
  let url: string;
  const bots: RtpBot[] = [];

  before(async () => {
    sfu = await startSfu({ workers: 2 });
    // Taps open only while something listens (as the transcription service does).
    sfu.taps.subscribe({ packet: () => {} });
    const registry = new Registry();
    sfuMetrics(sfu.pool, registry, sfu.hub);
    const app = express();
    app.use(metricsRouter(registry));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  });
  after(async () => {
    for (const bot of bots) bot.close();
    await new Promise((resolve) => server.close(resolve));
    await sfu.close();
  });

  it('reports what the workers carry and what flows through them', async () => {
    const a = await RtpBot.join(sfu.hub, intentFor(61, 1), { video: 'simple' });
    const b = await RtpBot.join(sfu.hub, intentFor(61, 2));
    bots.push(a, b);
    await a.consumeBots([b]);
    await b.consumeBots([a]);
    await waitFor(() => b.packetsFrom(a.producers.camera!) > 10 && sfu.taps.open.length === 2, 'media to flow', 10_000);

    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    const worker = sfu.hub.describe(61)!.routers[0]!.worker_pid === sfu.pool.pids[0] ? '0' : '1';
    assert.equal(sample(text, 'sfu_workers'), 2);
    assert.equal(sample(text, 'sfu_meetings'), 1);
    assert.equal(sample(text, 'sfu_peers'), 2);
    assert.equal(sample(text, 'sfu_routers', `{worker="${worker}"}`), 1);
    assert.equal(sample(text, 'sfu_producers', `{worker="${worker}"}`), 3);
    // Three consumers between the bots, plus the audio taps of both microphones.
    assert.equal(sample(text, 'sfu_consumers', `{worker="${worker}"}`), 5);
    assert.ok(sample(text, 'sfu_transports', `{worker="${worker}"}`)! >= 4);
    assert.ok(sample(text, 'sfu_bytes_received_total', `{worker="${worker}"}`)! > 1000);
    assert.ok(sample(text, 'sfu_bytes_sent_total', `{worker="${worker}"}`)! > 1000);
    assert.ok(sample(text, 'sfu_worker_cpu_seconds_total', `{worker="${worker}"}`)! >= 0);
    assert.equal(sample(text, 'sfu_worker_deaths_total'), 0);

    // Bytes keep counting after the transports that carried them are gone.
    const before = sample(text, 'sfu_bytes_received_total', `{worker="${worker}"}`)!;
    a.close();
    b.close();
    await sfu.hub.leave(1, { meeting_id: 61 });
    await sfu.hub.leave(2, { meeting_id: 61 });
    const after = await (await fetch(url)).text();
    assert.ok(sample(after, 'sfu_bytes_received_total', `{worker="${worker}"}`)! >= before);
    assert.equal(sample(after, 'sfu_transports', `{worker="${worker}"}`), 0);
    assert.equal(sample(after, 'sfu_peers'), 0);
  });
});
