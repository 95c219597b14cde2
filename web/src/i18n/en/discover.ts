// English words of the discover screens. Keys start with "discover.".
export const discoverEn = {
} as const;
