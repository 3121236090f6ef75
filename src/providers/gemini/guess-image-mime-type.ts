const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  gif: 'image/gif',
};

/**
 * Gemini's `fileData` needs a MIME type, but an OpenAI-style image URL carries none. We guess it
 * from the path's extension (query and fragment ignored) and fall back to `image/jpeg`, the most
 * common type for extensionless image URLs; Gemini sniffs the bytes of public URLs anyway, so a
 * wrong guess among image types is harmless.
 */
export function guessImageMimeType(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const dot = path.lastIndexOf('.');
  const extension = dot === -1 ? '' : path.slice(dot + 1).toLowerCase();
  return MIME_BY_EXTENSION[extension] ?? 'image/jpeg';
}
