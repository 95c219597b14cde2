// A meeting past its router's consumer budget spreads onto a router on another worker; media
// crosses between them through pipeToRouter, both ways, and closes across them too.
import assert from 'node:assert/strict';
import { intentFor, RtpBot } from '../../helpers/rtp-bots.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

describe('sfu: spreading a meeting over routers', function () {
  this.timeout(60_000);
  let sfu: SfuFixture;
  const bots: RtpBot[] = [];

  before(async () => {
    sfu = await startSfu({ workers: 2, settings: { consumersPerRouter: 2, levelIntervalMs: 200 } });
  });
  after(async () => {
    for (const bot of bots.splice(0)) bot.close();
    await sfu.close();
  });

  it('puts the peer after the budget on a second router and pipes media between them', async () => {
    const a = await RtpBot.join(sfu.hub, intentFor(41, 1));
    const b = await RtpBot.join(sfu.hub, intentFor(41, 2), { video: 'simple' });
    bots.push(a, b);
    await a.consumeBots([b]);
    await b.consumeBots([a]);
    const c = await RtpBot.join(sfu.hub, intentFor(41, 3), { levelDbov: 10 });
    bots.push(c);

    const snapshot = sfu.hub.describe(41)!;
    assert.equal(snapshot.routers.length, 2);
    assert.notEqual(snapshot.routers[0]!.worker_pid, snapshot.routers[1]!.worker_pid, 'the second router is on the other worker');
    const routerOf = (userId: number) => snapshot.peers.find((p) => p.user_id === userId)!.router_id;
    assert.equal(routerOf(1), routerOf(2));
    assert.notEqual(routerOf(3), routerOf(1));

    await c.consumeBots([a, b]);
    await a.consumeBots([c]);
    await b.consumeBots([c]);
    await waitFor(() => c.packetsFrom(a.producers.mic!) > 10 && c.packetsFrom(b.producers.camera!) > 5, 'the second router to receive from the first', 10_000);
    await waitFor(() => a.packetsFrom(c.producers.mic!) > 10 && b.packetsFrom(c.producers.mic!) > 10, 'the first router to receive from the second', 10_000);
    await waitFor(() => sfu.received('audio-levels').some((e) => e.levels.some((l) => l.user_id === 3)), 'speech on the second router to be observed', 10_000);

    await sfu.hub.closeProducer(3, { meeting_id: 41, producer_id: c.producers.mic! });
    await waitFor(() => sfu.received('consumer:closed', 1).some((e) => e.producer_id === c.producers.mic), 'the piped consumer to close', 10_000);
    await waitFor(() => sfu.received('consumer:closed', 2).some((e) => e.producer_id === c.producers.mic), 'the piped consumer to close', 10_000);
  });
});
