// Korean words of the discover screens, typed against the English ones.
import type { discoverEn } from '../en/discover.js';

export const discoverKo: Record<keyof typeof discoverEn, string> = {
};
