// English words of the owner screens. Keys start with "owner.".
export const ownerEn = {
} as const;
