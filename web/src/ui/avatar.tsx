// <Avatar person size />: a person's picture when their profile has one (avatar_url), else
// their initial on a coloured circle. The picture is served only with the access token, so it
// is fetched with it and shown from a blob: address (the CSP allows those); addresses carry the
// picture's version, so one fetch per version serves every place on the page.
import { useEffect, useState } from 'preact/hooks';
import { fetchApi } from '../api/http.js';
import { session } from '../api/session.js';
import { displayName } from '../live/me.js';
import './avatar.css';

export interface AvatarPerson {
  username: string;
  nickname?: string | null;
  avatar_url?: string | null;
}

const KEPT = 100;
/** Object URLs by avatar address, oldest first (a Map keeps insertion order). */
const pictures = new Map<string, Promise<string>>();

function pictureOf(url: string): Promise<string> {
  let known = pictures.get(url);
  if (!known) {
    known = fetchApi('get', url, undefined, false)
      .then((res) => res.blob())
      .then((blob) => URL.createObjectURL(blob));
    // A failed fetch is forgotten, so the next render tries again.
    known.catch(() => pictures.delete(url));
    pictures.set(url, known);
    for (const [old, made] of pictures) {
      if (pictures.size <= KEPT) break;
      pictures.delete(old);
      void made.then((objectUrl) => URL.revokeObjectURL(objectUrl), () => undefined);
    }
  }
  return known;
}

// Another person signing in on this tab sees nothing fetched for the one before.
session.subscribe((current) => {
  if (current) return;
  for (const made of pictures.values()) void made.then((objectUrl) => URL.revokeObjectURL(objectUrl), () => undefined);
  pictures.clear();
});

function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hash % 4;
}

/**
 * `named`: the person's name is shown beside the picture, so the picture says nothing more to
 * a screen reader (empty alt); otherwise its alt text is the name.
 */
export function Avatar({ person, size = 40, named = false, class: className }: { person: AvatarPerson; size?: number; named?: boolean; class?: string }) {
  const url = person.avatar_url ?? null;
  const [shown, setShown] = useState<{ url: string; objectUrl: string } | null>(null);
  useEffect(() => {
    if (!url) return;
    let live = true;
    pictureOf(url).then(
      (objectUrl) => live && setShown({ url, objectUrl }),
      () => live && setShown(null),
    );
    return () => {
      live = false;
    };
  }, [url]);

  const name = displayName(person);
  const style = { width: `${size}px`, height: `${size}px`, fontSize: `${Math.round(size * 0.42)}px` };
  const classes = (extra: string) => ['person-avatar', extra, className].filter(Boolean).join(' ');
  if (url && shown?.url === url) {
    // data-src: the picture's server address (the src is its blob: copy), for tests and debugging.
    return <img class={classes('')} src={shown.objectUrl} data-src={url} alt={named ? '' : name} width={size} height={size} style={style} />;
  }
  return (
    <span class={classes(`person-avatar-${hueOf(person.username)}`)} style={style} {...(named ? { 'aria-hidden': 'true' } : { role: 'img', 'aria-label': name })}>
      {[...name][0]?.toUpperCase() ?? ''}
    </span>
  );
}
