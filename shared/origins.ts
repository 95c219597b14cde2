// Which browser origins may open our WebSockets (Socket.IO and the notes endpoint).
// The configured list, and always the page's own origin: a client served by this very server
// (opened as http://127.0.0.1:3000 or a LAN address rather than PUBLIC_URL) is not cross-site.
// Browsers set Origin and Host themselves, so a page elsewhere cannot make the two agree.
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true; // not a browser
  if (allowed.includes(origin)) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
