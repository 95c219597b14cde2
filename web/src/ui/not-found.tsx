import { onLinkClick } from '../router.js';
import { t } from '../i18n/index.js';
import { Page } from './page.js';

export function NotFound() {
  return (
    <Page title={t('page.notFound.title')}>
      <p>{t('page.notFound.body')}</p>
      <p>
        <a href="/" onClick={onLinkClick}>
          {t('page.notFound.home')}
        </a>
      </p>
    </Page>
  );
}
