// GET /metrics on a real server (the composition root wires the SFU and process collectors):
// a scraper sees the workers, what a running meeting carries, and the process' own figures;
// with METRICS_TOKEN set, only a scraper with that bearer token sees anything.
// (test/integration/sfu/metrics.test.ts checks each SFU collector's values directly.)
import assert from 'node:assert/strict';
import { signUpAndLogin } from '../../helpers/accounts.js';
import { admit, createClub } from '../../helpers/clubs.js';
import { joinOverSocket } from '../../helpers/meeting-sockets.js';
import { type RtpBot } from '../../helpers/rtp-bots.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { closeSockets, connect, type TestSocket } from '../../helpers/sockets.js';
import { waitFor } from '../../helpers/wait.js';

/** The value of one sample (`name{labels} value`), or null when absent. */
function sample(text: string, name: string, labels = ''): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? null : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${server.url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('sfu: GET /metrics', function () {
  this.timeout(60_000);

  describe('open', () => {
    let server: TestServer;
    const sockets: TestSocket[] = [];
    const bots: RtpBot[] = [];

    before(async () => {
      server = await startTestServer({ env: { SFU_WORKERS: '1' } });
    });
    after(async () => {
      for (const bot of bots) bot.close();
      closeSockets(...sockets);
      await server?.close();
    });

    it('answers in Prometheus text with the SFU and process metrics', async () => {
      const { status, type, text } = await scrape(server);
      assert.equal(status, 200);
      assert.match(type, /^text\/plain/);
      assert.equal(sample(text, 'sfu_workers'), 1);
      assert.equal(sample(text, 'sfu_meetings'), 0);
      for (const name of ['sfu_consumers', 'sfu_worker_cpu_seconds_total', 'sfu_bytes_received_total']) {
        assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is missing`);
      }
      assert.ok(sample(text, 'sfu_worker_cpu_seconds_total', '{worker="0"}')! >= 0);
      assert.ok(sample(text, 'process_cpu_user_seconds_total')! > 0);
    });

    it('counts a running meeting and its consumers', async () => {
      const owner = await signUpAndLogin(server.http);
      const member = await signUpAndLogin(server.http);
      const club = await createClub(server.http, owner);
      await admit(server.http, club.id, owner, member);
      const meeting = await server.http.post(`/api/clubs/${club.id}/meetings`, { title: 'Chapter 3' }, owner.access);
      assert.equal(meeting.status, 201, JSON.stringify(meeting.body));

      const [a, b] = await Promise.all([connect(server.url, owner.access), connect(server.url, member.access)]);
      sockets.push(a, b);
      const hub = server.app.meetings!;
      const first = await joinOverSocket(a, hub, meeting.body.id, owner.id);
      bots.push(first);
      const second = await joinOverSocket(b, hub, meeting.body.id, member.id);
      bots.push(second);
      await second.consumeBots([first]);
      await waitFor(() => second.packetsFrom(first.producers.mic!) > 10, 'audio to flow', 10_000);

      const { status, text } = await scrape(server);
      assert.equal(status, 200);
      assert.equal(sample(text, 'sfu_meetings'), 1);
      assert.equal(sample(text, 'sfu_peers'), 2);
      assert.ok(sample(text, 'sfu_consumers', '{worker="0"}')! >= 1, text);
      // Byte counts are read from the transports at most once a second: a later scrape shows the audio.
      await waitFor(async () => sample((await scrape(server)).text, 'sfu_bytes_received_total', '{worker="0"}')! > 0, 'sfu_bytes_received_total to count the audio', 3000);
    });
  });

  describe('with METRICS_TOKEN', () => {
    const token = 'a-metrics-token-of-length';
    let server: TestServer;

    before(async () => {
      server = await startTestServer({ env: { SFU_WORKERS: '1', METRICS_TOKEN: token } });
    });
    after(async () => {
      await server?.close();
    });

    it('answers only a scraper with the bearer token', async () => {
      const bare = await scrape(server);
      assert.equal(bare.status, 401);
      assert.doesNotMatch(bare.text, /sfu_/);
      const wrong = await scrape(server, { authorization: 'Bearer a-metrics-token-of-lengtH' });
      assert.equal(wrong.status, 401);
      assert.doesNotMatch(wrong.text, /sfu_/);
      const right = await scrape(server, { authorization: `Bearer ${token}` });
      assert.equal(right.status, 200);
      assert.equal(sample(right.text, 'sfu_workers'), 1);
    });
  });
});
