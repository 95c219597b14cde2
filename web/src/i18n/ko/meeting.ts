// Korean words of the meeting screens, typed against the English ones.
import type { meetingEn } from '../en/meeting.js';

export const meetingKo: Record<keyof typeof meetingEn, string> = {
};
