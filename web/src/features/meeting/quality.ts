// A tile's network-quality hint from WebRTC stats: packet loss, round-trip time and whether
// anything arrives at all, compared between two readings a few seconds apart.
import { useEffect, useState } from 'preact/hooks';

export type Quality = 'unknown' | 'good' | 'fair' | 'poor';

interface Reading {
  packets: number;
  lost: number;
  bytes: number;
  rttMs: number | null;
}

const POLL_MS = 3_000;

function numberOf(stat: Record<string, unknown>, key: string): number {
  const value = stat[key];
  return typeof value === 'number' ? value : 0;
}

/** Sums what arrived (inbound-rtp) or what the far end reported about what we sent (remote-inbound-rtp). */
export function readStats(reports: RTCStatsReport[], direction: 'in' | 'out'): Reading {
  const reading: Reading = { packets: 0, lost: 0, bytes: 0, rttMs: null };
  for (const report of reports) {
    report.forEach((raw: Record<string, unknown>) => {
      if (direction === 'in' && raw.type === 'inbound-rtp') {
        reading.packets += numberOf(raw, 'packetsReceived');
        reading.lost += numberOf(raw, 'packetsLost');
        reading.bytes += numberOf(raw, 'bytesReceived');
      } else if (direction === 'out' && raw.type === 'outbound-rtp') {
        reading.packets += numberOf(raw, 'packetsSent');
        reading.bytes += numberOf(raw, 'bytesSent');
      } else if (direction === 'out' && raw.type === 'remote-inbound-rtp') {
        reading.lost += numberOf(raw, 'packetsLost');
        const rtt = numberOf(raw, 'roundTripTime');
        if (rtt > 0) reading.rttMs = Math.max(reading.rttMs ?? 0, rtt * 1000);
      } else if (raw.type === 'candidate-pair' && raw.state === 'succeeded') {
        const rtt = numberOf(raw, 'currentRoundTripTime');
        if (rtt > 0) reading.rttMs = Math.max(reading.rttMs ?? 0, rtt * 1000);
      }
    });
  }
  return reading;
}

export function judge(before: Reading, after: Reading): Quality {
  const packets = after.packets - before.packets;
  const lost = Math.max(0, after.lost - before.lost);
  if (packets <= 0 && after.bytes <= before.bytes) return 'poor';
  const loss = lost / Math.max(1, packets + lost);
  const rtt = after.rttMs ?? 0;
  if (loss > 0.1 || rtt > 500) return 'poor';
  if (loss > 0.02 || rtt > 250) return 'fair';
  return 'good';
}

/** Polls `read` while `active`, answering the latest judgement. */
export function useQuality(read: (() => Promise<RTCStatsReport[]>) | null, direction: 'in' | 'out', active: boolean): Quality {
  const [quality, setQuality] = useState<Quality>('unknown');
  useEffect(() => {
    if (!read || !active) {
      setQuality('unknown');
      return;
    }
    let previous: Reading | null = null;
    let live = true;
    const poll = async () => {
      try {
        const reading = readStats(await read(), direction);
        if (live && previous) setQuality(judge(previous, reading));
        previous = reading;
      } catch {
        // A consumer closed between the reading and now: the next poll sees the new set.
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [read, direction, active]);
  return quality;
}
