// A mediasoup worker killed with SIGKILL: the pool replaces it, its meetings are rebuilt on a
// live worker, and the peers (told by meeting:rebuilt) reconnect their media without rejoining.
import assert from 'node:assert/strict';
import { intentFor, RtpBot } from '../../helpers/rtp-bots.js';
import { startSfu, type SfuFixture } from '../../helpers/sfu.js';
import { waitFor } from '../../helpers/wait.js';

async function reconnectAndExchange(sfu: SfuFixture, meetingId: number, bots: RtpBot[]): Promise<void> {
  for (const bot of bots) await bot.reconnect();
  for (const bot of bots) await bot.consumeBots(bots);
  for (const bot of bots) {
    for (const other of bots.filter((b) => b !== bot)) {
      await waitFor(() => bot.packetsFrom(other.producers.mic!) > 10, `user ${bot.userId} to hear user ${other.userId} again`, 10_000);
    }
  }
  assert.equal(sfu.hub.describe(meetingId)!.peers.length, bots.length);
}

describe('sfu: worker crash recovery', function () {
  this.timeout(60_000);
  const bots: RtpBot[] = [];
  let sfu: SfuFixture | null = null;

  afterEach(async () => {
    for (const bot of bots.splice(0)) bot.close();
    await sfu?.close();
    sfu = null;
  });

  it('rebuilds a meeting on the other worker and replaces the dead one', async () => {
    sfu = await startSfu({ workers: 2 });
    const pidsBefore = sfu.pool.pids;
    const a = await RtpBot.join(sfu.hub, intentFor(31, 1), { video: 'simple' });
    const b = await RtpBot.join(sfu.hub, intentFor(31, 2));
    bots.push(a, b);
    await a.consumeBots([b]);
    await b.consumeBots([a]);
    await waitFor(() => b.packetsFrom(a.producers.mic!) > 10, 'media before the crash', 10_000);
    const doomed = sfu.hub.describe(31)!.routers[0]!.worker_pid;
    process.kill(doomed, 'SIGKILL');

    await waitFor(() => sfu!.received('meeting:rebuilt').length > 0, 'meeting:rebuilt', 10_000);
    const rebuilt = sfu.deliveries.find((d) => d.event === 'meeting:rebuilt')!;
    assert.deepEqual([...rebuilt.to].sort(), [1, 2]);
    const survivor = sfu.hub.describe(31)!.routers[0]!.worker_pid;
    assert.notEqual(survivor, doomed);
    assert.ok(pidsBefore.includes(survivor), 'moved to the worker that was alive');
    assert.equal(sfu.received('peer:left').length, 0, 'nobody left the meeting');
    assert.equal(sfu.received('producer:closed').length, 0, 'no producer:closed noise while the worker went down');
    await waitFor(() => sfu!.pool.allAlive() && !sfu!.pool.pids.includes(doomed), 'a replacement worker', 10_000);
    assert.equal(sfu.pool.deaths, 1);

    await reconnectAndExchange(sfu, 31, [a, b]);
  });

  it('waits for the replacement when the only worker dies', async () => {
    sfu = await startSfu({ workers: 1 });
    const a = await RtpBot.join(sfu.hub, intentFor(32, 1));
    const b = await RtpBot.join(sfu.hub, intentFor(32, 2));
    bots.push(a, b);
    const doomed = sfu.pool.pids[0]!;
    process.kill(doomed, 'SIGKILL');
    await waitFor(() => sfu!.received('meeting:rebuilt').length > 0, 'meeting:rebuilt', 10_000);
    assert.notEqual(sfu.hub.describe(32)!.routers[0]!.worker_pid, doomed);
    await assert.rejects(sfu.hub.restartIce(1, { meeting_id: 32, transport_id: a.sendTransportId }), (err: Error & { code?: string }) => err.code === 'not_found');
    await reconnectAndExchange(sfu, 32, [a, b]);
  });
});
