// Image projects (the seed API's shapes): REST bodies and responses.
import { z } from 'zod';
import { bodyIdSchema, rawText } from './common.js';
import { DOC_SHAPE } from './notes.js';

export const PROJECT_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED'] as const;

export const projectCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(2000).default(''),
  ai_model_id: z.string().min(1).max(64),
  /** Shares the project with a club you belong to. */
  club_id: bodyIdSchema.nullable().default(null),
});
export const projectUpdateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().trim().max(2000).optional(),
    ai_model_id: z.string().min(1).max(64).optional(),
    club_id: bodyIdSchema.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { error: 'nothing to change' });

export const idParamSchema = z.coerce.number().int().positive().max(2 ** 31 - 1);
export const uuidParamSchema = z.uuid();

export const imageResponseSchema = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  name: z.string(),
  old_name: z.string(),
  type: z.string(),
  has_result: z.boolean(),
  image_url: z.string(),
  thumbnail_url: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ImageResponse = z.infer<typeof imageResponseSchema>;

export const projectResponseSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string(),
  ai_model_id: z.string(),
  owner_id: z.number().int(),
  owner_username: z.string(),
  club_id: z.number().int().nullable(),
  status: z.enum(PROJECT_STATUSES),
  images_nr: z.number().int(),
  images: z.array(imageResponseSchema),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ProjectResponse = z.infer<typeof projectResponseSchema>;

/** An upload stores the good files and names each bad one with its reason. */
export const uploadResponseSchema = z.object({
  data: z.array(imageResponseSchema),
  error: z.boolean(),
  error_msg: z.string(),
  bad_images: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type UploadResponse = z.infer<typeof uploadResponseSchema>;

export const ocrLineResponseSchema = z.object({
  text: z.string(),
  confidence: z.number(),
  box: z.array(z.object({ x: z.number(), y: z.number() })),
});
export type OcrLineResponse = z.infer<typeof ocrLineResponseSchema>;

export const resultResponseSchema = z.object({
  image_id: z.number().int(),
  name: z.string(),
  model_id: z.string(),
  orientation: z.number(),
  text: z.string(),
  lines: z.array(ocrLineResponseSchema),
  thumbnail_url: z.string().nullable(),
  ms: z.number(),
  created_at: z.string(),
});
export type ResultResponse = z.infer<typeof resultResponseSchema>;

export const jobResponseSchema = z.object({ job_id: z.number().int(), status: z.string(), total: z.number().int() });
export type JobResponse = z.infer<typeof jobResponseSchema>;

export const modelSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  task: z.string(),
  state: z.string(),
  available: z.boolean(),
  unavailable_reason: z.string().optional(),
});

// Files (/api/me/files, /api/files/{id})

export const FILES_PAGE = 100;

/** `?limit=&cursor=`: a limit that is not a number means a full page, as it always has. */
export const fileListQuerySchema = z.object({
  limit: z.coerce
    .number()
    .catch(FILES_PAGE)
    .transform((n) => Math.min(FILES_PAGE, Math.max(1, Math.trunc(n) || FILES_PAGE))),
  cursor: z.string().optional().catch(undefined),
});
export type FileListQuery = z.infer<typeof fileListQuerySchema>;

export const fileResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.enum(['upload', 'thumbnail', 'generated']),
  content_type: z.string(),
  size: z.number().int(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  url: z.string(),
  thumbnail_url: z.string().nullable(),
  created_at: z.string(),
});
export type FileResponse = z.infer<typeof fileResponseSchema>;

// Quotes: OCR lines into a notes document

export const MAX_QUOTED_LINES = 100;

export const quoteSchema = z.strictObject({
  doc: z.string().regex(DOC_SHAPE, { error: 'must be a document name like club.7' }),
  /** Indexes into the result's `lines`, in the order they should appear. */
  lines: z.array(z.number().int().min(0)).min(1).max(MAX_QUOTED_LINES),
  book_id: bodyIdSchema.optional(),
  page: rawText(20).optional(),
});
export type QuoteBody = z.infer<typeof quoteSchema>;

export const quoteResponseSchema = z.object({ doc: z.string(), text: z.string(), source: z.string() });
export type QuoteResponse = z.infer<typeof quoteResponseSchema>;
