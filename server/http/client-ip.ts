// The client address of a request that did not come through Express (a Socket.IO handshake),
// read with the same TRUST_PROXY rules and the same library (proxy-addr) Express uses for
// req.ip, so a limit per IP counts a client the same over REST and over Socket.IO.
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Config } from '../../shared/config.js';

type Trust = (address: string, hop: number) => boolean;
interface ProxyAddr {
  (req: IncomingMessage, trust: Trust): string;
  compile(list: string[]): Trust;
}

// proxy-addr (Express's own dependency) ships no type declarations.
const proxyAddr = createRequire(import.meta.url)('proxy-addr') as ProxyAddr;

export function clientIpReader(trustProxy: Config['http']['trustProxy']): (req: IncomingMessage) => string {
  const trust: Trust = trustProxy === false ? () => false : typeof trustProxy === 'number' ? (_address, hop) => hop < trustProxy : proxyAddr.compile(trustProxy);
  return (req) => proxyAddr(req, trust);
}
