// English words of the chat screens. Keys start with "chat.".
export const chatEn = {
} as const;
