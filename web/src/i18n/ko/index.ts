// The Korean catalogue: the same keys as the English one, every one of them required.
import type { MessageKey } from '../en/index.js';
import { accountKo } from './account.js';
import { chatKo } from './chat.js';
import { clubKo } from './club.js';
import { contentKo } from './content.js';
import { commonKo } from './common.js';
import { discoverKo } from './discover.js';
import { errorsKo } from './errors.js';
import { meetingKo } from './meeting.js';
import { ownerKo } from './owner.js';
import { photosKo } from './photos.js';

export const ko: Record<MessageKey, string> = { ...commonKo, ...errorsKo, ...accountKo, ...discoverKo, ...clubKo, ...contentKo, ...ownerKo, ...chatKo, ...photosKo, ...meetingKo };
