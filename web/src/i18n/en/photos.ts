// English words of the photos screens. Keys start with "photos.".
export const photosEn = {
} as const;
