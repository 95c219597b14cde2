// A screen's frame: its title in the tab and as the one h1, which takes focus after navigation
// so screen readers announce the new page.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n/index.js';

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('app.name');
  }, [title]);
}

export function Page({ title, children, wide, actions }: { title: string; children: ComponentChildren; wide?: boolean; actions?: ComponentChildren }) {
  usePageTitle(title);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Only after an in-app navigation: on first load the browser's own focus is right.
    if (document.activeElement === document.body || document.activeElement?.id === 'main') heading.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <div class={`page${wide ? ' page-wide' : ''}`}>
      <div class="page-head">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions && <div class="page-actions">{actions}</div>}
      </div>
      {children}
    </div>
  );
}
