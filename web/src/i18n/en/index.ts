// The English catalogue: every feature's words in one flat map. Its keys are the message keys.
import { accountEn } from './account.js';
import { chatEn } from './chat.js';
import { clubEn } from './club.js';
import { contentEn } from './content.js';
import { commonEn } from './common.js';
import { discoverEn } from './discover.js';
import { errorsEn } from './errors.js';
import { meetingEn } from './meeting.js';
import { ownerEn } from './owner.js';
import { photosEn } from './photos.js';

export const en = { ...commonEn, ...errorsEn, ...accountEn, ...discoverEn, ...clubEn, ...contentEn, ...ownerEn, ...chatEn, ...photosEn, ...meetingEn };
export type MessageKey = keyof typeof en;
