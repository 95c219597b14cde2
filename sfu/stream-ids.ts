// The SSRCs and MID a new producer would send on must not be the peer's already: mediasoup
// refuses them with a plain Error (answered as internal), yet they are the client's mistake.
// Checked before the worker is asked, and answered in fixed words.
import { AppError } from '../shared/errors.js';
import type { RtpParametersPayload } from '../shared/protocol/meetings-media.js';
import type { Peer } from './peer.js';

interface StreamIds {
  mid?: string;
  encodings?: Array<{ ssrc?: number; rtx?: { ssrc: number } }>;
}

/** Every SSRC the parameters send on: each encoding's own and its RTX stream's. */
function ssrcsOf(rtp: StreamIds): number[] {
  return (rtp.encodings ?? []).flatMap((e) => [e.ssrc, e.rtx?.ssrc]).filter((ssrc): ssrc is number => ssrc !== undefined);
}

export function assertNewStreamIds(peer: Peer, rtp: RtpParametersPayload): void {
  const ssrcs = ssrcsOf(rtp);
  const taken = new Set<number>();
  const mids = new Set<string>();
  for (const { producer } of peer.producers()) {
    for (const ssrc of ssrcsOf(producer.rtpParameters)) taken.add(ssrc);
    if (producer.rtpParameters.mid !== undefined) mids.add(producer.rtpParameters.mid);
  }
  // A repeat inside the request is as ambiguous to the worker as one already routed.
  if (new Set(ssrcs).size !== ssrcs.length || ssrcs.some((ssrc) => taken.has(ssrc))) throw new AppError('bad_request', 'duplicate SSRC');
  if (rtp.mid !== undefined && mids.has(rtp.mid)) throw new AppError('bad_request', 'duplicate MID');
}
