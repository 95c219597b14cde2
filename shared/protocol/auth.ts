// REST bodies of /auth and /api/me. Objects are strict: an unknown field is a 400, not ignored.
import { z } from 'zod';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export const usernameSchema = z
  .string()
  .trim()
  .min(3, { error: 'must be at least 3 characters' })
  .max(32, { error: 'must be at most 32 characters' })
  .regex(/^[A-Za-z0-9_.-]+$/, { error: 'may contain only letters, digits, ".", "_" and "-"' });

export const emailSchema = z.email({ error: 'must be a valid email address' }).max(254).trim();

export const passwordHasLetter = (password: string): boolean => /\p{L}/u.test(password);
export const passwordHasDigitOrSymbol = (password: string): boolean => /[\p{N}\p{P}\p{S}]/u.test(password);

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN, { error: `must be at least ${PASSWORD_MIN} characters` })
  .max(PASSWORD_MAX, { error: `must be at most ${PASSWORD_MAX} characters` })
  .refine(passwordHasLetter, { error: 'must contain a letter', params: { rule: 'password_letter' } })
  .refine(passwordHasDigitOrSymbol, { error: 'must contain a digit or a symbol', params: { rule: 'password_digit_or_symbol' } });

/** A password must not be the account's own name or address (case-insensitive). */
export function passwordIsPersonal(password: string, ...personal: Array<string | undefined>): boolean {
  const lowered = password.toLowerCase();
  return personal.some((value) => value !== undefined && value.toLowerCase() === lowered);
}

export type PasswordRule = 'length' | 'letter' | 'digitOrSymbol' | 'notPersonal';

/**
 * Each rule the server holds a new password to, met or not: what a form shows live while the
 * password is typed. Built from the same checks as passwordSchema and signUpSchema.
 */
export function passwordRules(password: string, ...personal: Array<string | undefined>): Array<{ rule: PasswordRule; met: boolean }> {
  const given = personal.filter((value): value is string => Boolean(value?.trim()));
  return [
    { rule: 'length', met: password.length >= PASSWORD_MIN && password.length <= PASSWORD_MAX },
    { rule: 'letter', met: passwordHasLetter(password) },
    { rule: 'digitOrSymbol', met: passwordHasDigitOrSymbol(password) },
    { rule: 'notPersonal', met: password.length > 0 && !passwordIsPersonal(password, ...given) },
  ];
}

const nameSchema = z.string().trim().max(150);

export const signUpSchema = z
  .strictObject({
    username: usernameSchema,
    email: emailSchema,
    password: passwordSchema,
    first_name: nameSchema.optional(),
    last_name: nameSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (passwordIsPersonal(body.password, body.username, body.email)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'must not be the same as the username or email', params: { rule: 'password_not_personal' } });
    }
  });
export type SignUpBody = z.infer<typeof signUpSchema>;

/** Log in with `username` or `email` (either may hold the other: "login" in one field). */
export const tokenCreateSchema = z
  .strictObject({
    username: z.string().trim().min(1).max(254).optional(),
    email: z.string().trim().min(1).max(254).optional(),
    password: z.string().min(1).max(PASSWORD_MAX),
  })
  .refine((b) => Boolean(b.username ?? b.email), { error: 'username or email is required', path: ['username'] });
export type TokenCreateBody = z.infer<typeof tokenCreateSchema>;

const jwtString = z.string().min(1).max(4096);
export const tokenRefreshSchema = z.strictObject({ refresh: jwtString });
export const tokenVerifySchema = z.strictObject({ token: jwtString });
export const logoutSchema = z.strictObject({ refresh: jwtString.optional() });

export const uidTokenSchema = z.strictObject({
  uid: z
    .string()
    .regex(/^\d{1,10}$/, { error: 'must be a user id' })
    .refine((v) => Number(v) >= 1 && Number(v) <= 2 ** 31 - 1, { error: 'must be a user id' }),
  token: z.string().min(16).max(128),
});
export const emailOnlySchema = z.strictObject({ email: emailSchema });
export const resetPasswordConfirmSchema = uidTokenSchema.extend({ new_password: passwordSchema });
export const setPasswordSchema = z.strictObject({
  current_password: z.string().min(1).max(PASSWORD_MAX),
  new_password: passwordSchema,
});

export const tokenPairSchema = z.object({ access: z.string(), refresh: z.string() });
/** The account a sign-up created. */
export const createdUserSchema = z.object({ id: z.number().int(), username: z.string(), email: z.string(), first_name: z.string(), last_name: z.string() });
/** /auth/jwt/verify answers an empty object for a good token, as djoser does. */
export const verifiedSchema = z.strictObject({});
export type TokenPair = z.infer<typeof tokenPairSchema>;
