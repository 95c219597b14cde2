// Korean words of the club's content tabs, typed against the English ones.
import type { contentEn } from '../en/content.js';

export const contentKo: Record<keyof typeof contentEn, string> = {
};
