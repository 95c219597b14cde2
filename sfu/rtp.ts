// Just enough RTP to route packets: with RTCP multiplexed on the RTP port (RFC 5761), a
// second byte of 192–223 marks RTCP (RTP payload types stay clear of that range).

export function isRtcp(packet: Buffer): boolean {
  if (packet.length < 2) return false;
  const second = packet[1]!;
  return second >= 192 && second <= 223;
}
