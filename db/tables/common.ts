// Column types shared by every table module.
import type { ColumnType } from 'kysely';

export type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: written as a JSON string, read back parsed. */
export type Json<T> = ColumnType<T, string, string>;
/** DATE: both drivers return 'YYYY-MM-DD' text. */
export type DateText = ColumnType<string, string, string>;
export type NullableDateText = ColumnType<string | null, string | null | undefined, string | null>;
