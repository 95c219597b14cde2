// An image the API serves only with the access token (a project's thumbnails): fetched with it
// and shown from a blob: address, which the page's CSP allows.
import { useEffect, useState } from 'preact/hooks';
import { fetchApi } from '../../api/http.js';

export function AuthedImage({ src, alt, class: className }: { src: string; alt: string; class?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let made: string | null = null;
    fetchApi('get', src, undefined, false, { signal: controller.signal })
      .then((res) => res.blob())
      .then((blob) => {
        if (controller.signal.aborted) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      })
      .catch(() => setUrl(null));
    return () => {
      controller.abort();
      if (made) URL.revokeObjectURL(made);
    };
  }, [src]);
  return url ? <img src={url} alt={alt} class={className} /> : <span class={`${className ?? ''} thumb-placeholder`} role="img" aria-label={alt} />;
}
