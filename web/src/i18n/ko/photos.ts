// Korean words of the photos screens, typed against the English ones.
import type { photosEn } from '../en/photos.js';

export const photosKo: Record<keyof typeof photosEn, string> = {
};
