// English words of the meeting screens. Keys start with "meeting.".
export const meetingEn = {
} as const;
