// The SFU's configuration (SFU_* variables) and the shapes of the media events clients send.
import assert from 'node:assert/strict';
import { mediaSettingsFrom } from '../../../sfu/settings.js';
import { ConfigError, loadConfig } from '../../../shared/config.js';
import { mediaClientEvents } from '../../../shared/protocol/meetings-media.js';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };

describe('sfu: settings and event shapes', () => {
  it('reads SFU_* variables, with defaults, and refuses unusable addresses', () => {
    const defaults = mediaSettingsFrom(loadConfig(base).sfu);
    assert.equal(defaults.listenIp, '127.0.0.1');
    assert.equal(defaults.announcedIp, undefined);
    const custom = loadConfig({
      ...base,
      SFU_LISTEN_IP: '0.0.0.0',
      SFU_ANNOUNCED_IP: '203.0.113.7',
      SFU_MAX_PEERS_PER_MEETING: '12',
      SFU_CONSUMERS_PER_ROUTER: '40',
      SFU_MAX_INCOMING_BITRATE: '800000',
    }).sfu;
    const { listenIp, announcedIp, maxPeersPerMeeting, consumersPerRouter, maxIncomingBitrate } = mediaSettingsFrom(custom);
    assert.deepEqual(
      { listenIp, announcedIp, maxPeersPerMeeting, consumersPerRouter, maxIncomingBitrate },
      { listenIp: '0.0.0.0', announcedIp: '203.0.113.7', maxPeersPerMeeting: 12, consumersPerRouter: 40, maxIncomingBitrate: 800_000 },
    );
    assert.throws(() => loadConfig({ ...base, SFU_LISTEN_IP: 'localhost' }), (err: ConfigError) => /SFU_LISTEN_IP/.test(err.message));
    assert.throws(() => loadConfig({ ...base, SFU_LISTEN_IP: '0.0.0.0' }), (err: ConfigError) => /SFU_ANNOUNCED_IP: must be set/.test(err.message));
    assert.throws(() => loadConfig({ ...base, SFU_MAX_INCOMING_BITRATE: '10' }), ConfigError);
    // Across nodes behind a wildcard address, clients must be told a real place to go.
    const cluster = { ...base, REDIS_URL: 'redis://127.0.0.1:6379', HOST: '0.0.0.0' };
    assert.throws(() => loadConfig(cluster), (err: ConfigError) => /SFU_NODE_URL: must be set/.test(err.message));
    assert.equal(loadConfig({ ...cluster, SFU_NODE_URL: 'https://node-2.club.example.org/' }).sfu.nodeUrl, 'https://node-2.club.example.org');
    assert.equal(loadConfig({ ...base, SFU_RECONNECT_GRACE_MS: '5000' }).sfu.reconnectGraceMs, 5000);
  });

  it('accepts what mediasoup-client sends and refuses what breaks the media rules', () => {
    const produce = mediaClientEvents.produce.safeParse({
      meeting_id: 7,
      transport_id: '5f0e7a5e-7c1e-4e55-9d0a-1c2b3d4e5f60',
      kind: 'video',
      source: 'camera',
      rtp_parameters: {
        mid: '1',
        codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'goog-remb', parameter: '' }] }],
        headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4, encrypt: false, parameters: {} }],
        encodings: [
          { rid: 'r0', scalabilityMode: 'L1T3', maxBitrate: 100000, scaleResolutionDownBy: 4, active: true, dtx: false },
          { rid: 'r1', scalabilityMode: 'L1T3', maxBitrate: 300000, scaleResolutionDownBy: 2, active: true, dtx: false },
        ],
        rtcp: { cname: 'abc', reducedSize: true },
      },
    });
    assert.ok(produce.success, JSON.stringify(produce.error?.issues));
    assert.equal(produce.data.paused, false);
    const mismatch = mediaClientEvents.produce.safeParse({ ...produce.data, kind: 'audio' });
    assert.deepEqual(mismatch.error?.issues.map((i) => i.path.join('.')), ['kind']);
    assert.equal(mediaClientEvents['consumer:set-layers'].safeParse({ meeting_id: 7, consumer_id: 'abc' }).success, false);
    assert.equal(mediaClientEvents['consumer:set-layers'].safeParse({ meeting_id: 7, consumer_id: 'abc', priority: 2 }).success, true);
    assert.equal(mediaClientEvents['transport:create'].safeParse({ meeting_id: 7, direction: 'both' }).success, false);
    assert.equal(mediaClientEvents['meeting:join'].safeParse({ meeting_id: 7, extra: 1 }).success, false);
    assert.equal(mediaClientEvents['peer:mute'].safeParse({ meeting_id: 7, user_id: 3, muted: true }).success, true);
  });
});
