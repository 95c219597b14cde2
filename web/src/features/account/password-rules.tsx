// The password rules, ticked live as the person types. The rules come from shared/protocol/auth.ts
// (the checks the server makes), so this list cannot drift from what the server accepts.
import { PASSWORD_MAX, PASSWORD_MIN, passwordRules, type PasswordRule } from '../../../../shared/protocol/auth.js';
import { t, type MessageKey } from '../../i18n/index.js';

const WORDS: Record<PasswordRule, MessageKey> = {
  length: 'account.rules.length',
  letter: 'account.rules.letter',
  digitOrSymbol: 'account.rules.digitOrSymbol',
  notPersonal: 'account.rules.notPersonal',
};

export function rulesMet(password: string, personal: string[], skip: PasswordRule[] = []): boolean {
  return passwordRules(password, ...personal).every((item) => item.met || skip.includes(item.rule));
}

/**
 * The list itself, to put in the password Field's hint (so it is read with the field).
 * `skip` leaves out a rule this form cannot check (the reset link does not say whose account it is).
 */
export function PasswordRules({ password, personal, skip = [] }: { password: string; personal: string[]; skip?: PasswordRule[] }) {
  const rules = passwordRules(password, ...personal).filter((item) => !skip.includes(item.rule));
  return (
    <div class="password-rules">
      <span class="visually-hidden">{t('account.rules.label')}: </span>
      <ul class="rules" aria-label={t('account.rules.label')}>
        {rules.map(({ rule, met }) => (
          <li key={rule} class={met ? 'met' : undefined} data-rule={rule} data-met={met ? 'true' : 'false'}>
            {t(WORDS[rule], { min: PASSWORD_MIN, max: PASSWORD_MAX })}
            <span class="visually-hidden"> ({t(met ? 'account.rules.met' : 'account.rules.notMet')})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
