// A small history router: the path is a signal, links navigate without a reload, and each
// route's screen is its own chunk (routes.ts), loaded when first visited.
import { signal } from '@preact/signals';

export interface Place {
  pathname: string;
  query: URLSearchParams;
}

function here(): Place {
  return { pathname: location.pathname, query: new URLSearchParams(location.search) };
}

export const place = signal<Place>(here());

window.addEventListener('popstate', () => {
  place.value = here();
});

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, location.origin);
  if (url.origin !== location.origin) {
    location.assign(url);
    return;
  }
  const next = url.pathname + url.search + url.hash;
  if (options.replace) history.replaceState(null, '', next);
  else history.pushState(null, '', next);
  place.value = here();
  if (!url.hash) window.scrollTo({ top: 0 });
}

// Where to go after logging in: only a path inside this app, never another site
// ("//evil.example" and "/\evil.example" are other sites to a browser).
export function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : null;
  } catch {
    return null;
  }
}

/** Click handler for <a href> that stays in the app (plain clicks on same-origin links only). */
export function onLinkClick(event: MouseEvent): void {
  const anchor = (event.currentTarget ?? event.target) as HTMLAnchorElement | null;
  if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (anchor.target && anchor.target !== '_self') return;
  if (anchor.origin !== location.origin || anchor.hasAttribute('download')) return;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search + anchor.hash);
}

/** Matches "/clubs/:clubId/:tab?" against a path: the named parts, or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  if (have.length > want.length) return null;
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string;
    const value = have[i];
    if (part.startsWith(':')) {
      const optional = part.endsWith('?');
      const name = part.slice(1, optional ? -1 : undefined);
      if (value === undefined) {
        if (optional) continue;
        return null;
      }
      try {
        params[name] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (part !== value) {
      return null;
    }
  }
  return params;
}
