// Korean words of the account screens, typed against the English ones.
import type { accountEn } from '../en/account.js';

export const accountKo: Record<keyof typeof accountEn, string> = {
};
