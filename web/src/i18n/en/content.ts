// English words of the club's content tabs (reading, goals, posts, meetings, dues). Keys start with "content.".
export const contentEn = {
} as const;
