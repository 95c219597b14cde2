// English words of the club screens. Keys start with "club.".
export const clubEn = {
} as const;
