// Calendar subscriptions: a member's secret address of a club's schedule in iCalendar format.
import { z } from 'zod';
import { instantSchema } from './common.js';

/** The token in a feed address: 32 bytes, base64url. */
export const calendarFeedTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const calendarFeedSchema = z.object({
  /** https address a calendar app subscribes to (no sign-in: the address is the credential). */
  url: z.string(),
  /** The same address with the webcal scheme, which calendar apps open as a subscription. */
  webcal_url: z.string(),
  created_at: instantSchema,
});
export type CalendarFeedResponse = z.infer<typeof calendarFeedSchema>;
