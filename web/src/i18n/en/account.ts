// English words of the account screens. Keys start with "account.".
export const accountEn = {
} as const;
