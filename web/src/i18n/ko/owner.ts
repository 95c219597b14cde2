// Korean words of the owner screens, typed against the English ones.
import type { ownerEn } from '../en/owner.js';

export const ownerKo: Record<keyof typeof ownerEn, string> = {
};
