// Korean words of the club screens, typed against the English ones.
import type { clubEn } from '../en/club.js';

export const clubKo: Record<keyof typeof clubEn, string> = {
};
