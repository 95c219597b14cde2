// The UI's words: one catalogue per language (en/, ko/), a key per string, `{name}` placeholders.
// The Korean catalogue is typed against the English one, so a missing translation fails the build.
import { computed, signal } from '@preact/signals';
import { en, type MessageKey } from './en/index.js';
import { ko } from './ko/index.js';

export type { MessageKey };
export type Locale = 'en' | 'ko';
export const LOCALES: readonly Locale[] = ['en', 'ko'];
const STORAGE_KEY = 'roundtable.locale';
const catalogues: Record<Locale, Record<MessageKey, string>> = { en, ko };

function detectLocale(): Locale {
  const saved = safeStorageGet(STORAGE_KEY);
  if (saved === 'en' || saved === 'ko') return saved;
  for (const language of navigator.languages ?? [navigator.language]) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'ko') return 'ko';
    if (base === 'en') return 'en';
  }
  return 'en';
}

function safeStorageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export const locale = signal<Locale>(detectLocale());
document.documentElement.lang = locale.value;

export function setLocale(next: Locale): void {
  locale.value = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
}

export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(catalogues.en, key);
}

export type Params = Record<string, string | number>;

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params?: Params): string {
  const template = catalogues[locale.value][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** Keys with plural forms are `<base>.one` / `<base>.other`; Korean uses `other` only. */
type PluralBase = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;

export function tn(base: PluralBase, count: number, params?: Params): string {
  const rule = new Intl.PluralRules(locale.value).select(count);
  const key = [base, rule].join('.');
  const chosen = hasMessage(key) ? key : ([base, 'other'].join('.') as MessageKey);
  return t(chosen, { count, ...params });
}

// Dates and times in the viewer's zone and locale.
const intlLocale = computed(() => (locale.value === 'ko' ? 'ko-KR' : 'en'));

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(intlLocale.value).format(value);
}

export function formatDate(iso: string | Date, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale.value, options).format(date);
}

export function formatDateTime(iso: string | Date): string {
  return formatDate(iso, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatTime(iso: string | Date): string {
  return formatDate(iso, { timeStyle: 'short' });
}

/** "3 minutes ago", "in 2 days": the largest unit that is at least one. */
export function formatRelative(iso: string | Date, now: Date = new Date()): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat(intlLocale.value, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

export function formatMoney(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(intlLocale.value, { style: 'currency', currency }).format(amount);
  } catch {
    return `${formatNumber(amount)} ${currency}`;
  }
}
