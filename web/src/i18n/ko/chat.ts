// Korean words of the chat screens, typed against the English ones.
import type { chatEn } from '../en/chat.js';

export const chatKo: Record<keyof typeof chatEn, string> = {
};
