// Image projects (the seed API's shapes): REST bodies and responses.
import { z } from 'zod';
import { bodyIdSchema } from './common.js';

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

export interface ImageResponse {
  id: number;
  project_id: number;
  name: string;
  old_name: string;
  type: string;
  has_result: boolean;
  image_url: string;
  thumbnail_url: string | null;
  width: number | null;
  height: number | null;
  created_at: string;
  updated_at: string;
}

export interface ProjectResponse {
  id: number;
  name: string;
  description: string;
  ai_model_id: string;
  owner_id: number;
  owner_username: string;
  club_id: number | null;
  status: (typeof PROJECT_STATUSES)[number];
  images_nr: number;
  images: ImageResponse[];
  created_at: string;
  updated_at: string;
}

export interface UploadResponse {
  data: ImageResponse[];
  error: boolean;
  error_msg: string;
  bad_images: Array<{ name: string; reason: string }>;
}

export interface OcrLineResponse {
  text: string;
  confidence: number;
  box: Array<{ x: number; y: number }>;
}

export interface ResultResponse {
  image_id: number;
  name: string;
  model_id: string;
  orientation: number;
  text: string;
  lines: OcrLineResponse[];
  thumbnail_url: string | null;
  ms: number;
  created_at: string;
}

export interface JobResponse {
  job_id: number;
  status: string;
  total: number;
}
