// A profile picture's address, the one helper every payload that shows a person uses. Queries
// that show people left join their picture's file row (`files as avatar` on
// users.avatar_file_id) and pass its digest here.

/** The address of a user's picture, versioned by its content so a new picture is a new address. */
export function avatarUrl(userId: number, sha256: string | null | undefined): string | null {
  return sha256 ? `/api/users/${userId}/avatar?v=${sha256.slice(0, 16)}` : null;
}
