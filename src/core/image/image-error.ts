/**
 * The one error an image reader throws on bad input (not an ELF file, tables past the end of the file, absurd
 * counts). Its message is one line a user can act on; anything else thrown from this folder is a bug.
 */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

export function isImageError(e: unknown): e is ImageError {
  return (
    e instanceof ImageError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ImageError')
  );
}
