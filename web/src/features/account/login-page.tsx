// Placeholder until this screen is built.
import type { RouteProps } from '../../routes.js';
import { t } from '../../i18n/index.js';
import { Page } from '../../ui/page.js';

export default function LoginPage(_props: RouteProps) {
  return <Page title={t('app.name')}>{null}</Page>;
}
