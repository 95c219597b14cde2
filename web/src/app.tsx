// The app's frame: header and navigation, the connection banner, the current screen, notices.
import { useSignalEffect } from '@preact/signals';
import { Suspense, lazy } from 'preact/compat';
import type { ComponentType } from 'preact';
import { useMemo } from 'preact/hooks';
import { logout } from './api/auth.js';
import { session } from './api/session.js';
import { ConnectionBanner } from './live/connection-banner.js';
import { displayName, me } from './live/me.js';
import { KnockBadge } from './features/owner/knock-badge.js';
import { LOCALES, locale, setLocale, t, type Locale } from './i18n/index.js';
import { matchPath, navigate, onLinkClick, place, safeNext } from './router.js';
import { routes, type RouteDef, type RouteProps } from './routes.js';
import { Avatar } from './ui/avatar.js';
import { Loading } from './ui/status.js';
import { Toasts } from './ui/toast.js';
import { NotFound } from './ui/not-found.js';

const screens = new Map<RouteDef, ComponentType<RouteProps>>();
function screenOf(route: RouteDef): ComponentType<RouteProps> {
  let screen = screens.get(route);
  if (!screen) {
    screen = lazy(route.load);
    screens.set(route, screen);
  }
  return screen;
}

function NavLink({ href, label }: { href: string; label: string }) {
  const current = place.value.pathname === href || (href !== '/' && place.value.pathname.startsWith(`${href}/`));
  return (
    <a href={href} onClick={onLinkClick} aria-current={current ? 'page' : undefined} class="nav-link">
      {label}
    </a>
  );
}

function LanguagePicker() {
  return (
    <label class="lang-picker">
      <span class="visually-hidden">{t('nav.language')}</span>
      <select value={locale.value} onChange={(event) => setLocale(event.currentTarget.value as Locale)}>
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`lang.${code}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function Header() {
  const signedIn = session.value !== null;
  const person = me.value;
  return (
    <header class="app-header">
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <a href="/" onClick={onLinkClick} class="brand">
        <span class="brand-mark" aria-hidden="true">◯</span> {t('app.name')}
      </a>
      <nav aria-label={t('nav.main')} class="main-nav">
        {signedIn && <NavLink href="/" label={t('nav.home')} />}
        <NavLink href="/discover" label={t('nav.discover')} />
        {signedIn && <NavLink href="/photos" label={t('nav.photos')} />}
      </nav>
      <div class="header-tools">
        {signedIn && <KnockBadge />}
        <LanguagePicker />
        {signedIn ? (
          <>
            <a href="/settings" onClick={onLinkClick} class="nav-link account-link" aria-current={place.value.pathname === '/settings' ? 'page' : undefined}>
              {person && <Avatar person={person} size={28} named />}
              <span class="visually-hidden">{t('nav.settings')}: </span>
              <span class="account-name">{person ? displayName(person) : t('nav.settings')}</span>
            </a>
            <button type="button" class="btn btn-quiet header-logout" onClick={() => void logout()}>
              {t('nav.logout')}
            </button>
          </>
        ) : (
          <>
            <NavLink href="/login" label={t('nav.login')} />
            <a href="/signup" onClick={onLinkClick} class="btn btn-primary">
              {t('nav.signup')}
            </a>
          </>
        )}
      </div>
    </header>
  );
}

function CurrentScreen() {
  const { pathname, query } = place.value;
  const signedIn = session.value !== null;
  const found = useMemo(() => {
    for (const route of routes) {
      const params = matchPath(route.pattern, pathname);
      if (params) return { route, params };
    }
    return null;
  }, [pathname]);

  // Redirects follow the session: logging out on a private page goes to the login page.
  useSignalEffect(() => {
    const here = place.value;
    const hit = routes.find((route) => matchPath(route.pattern, here.pathname));
    if (!hit) return;
    if (hit.who === 'signed-in' && session.value === null) navigate(`/login?next=${encodeURIComponent(here.pathname + location.search)}`, { replace: true });
    if (hit.who === 'signed-out' && session.value !== null) navigate(safeNext(here.query.get('next')) ?? '/', { replace: true });
  });

  if (!found) return <NotFound />;
  if (found.route.who === 'signed-in' && !signedIn) return <Loading />;
  const Screen = screenOf(found.route);
  return (
    <Suspense fallback={<Loading />}>
      <Screen key={found.route.pattern} params={found.params} query={query} />
    </Suspense>
  );
}

export function App() {
  // Re-render the whole tree when the language changes.
  const lang = locale.value;
  return (
    <div class="app" lang={lang}>
      <Header />
      <ConnectionBanner />
      <main id="main" tabIndex={-1}>
        <CurrentScreen />
      </main>
      <Toasts />
    </div>
  );
}
