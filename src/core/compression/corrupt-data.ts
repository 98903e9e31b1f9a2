/**
 * A decoder's own finding that its input is not valid compressed data, with the byte (of the compressed file)
 * where it noticed, when it knows. decompress-stream.ts turns it, and any library's error, into the DumpError
 * the user sees.
 */
export class CorruptData extends Error {
  constructor(
    message: string,
    readonly at?: number,
  ) {
    super(message);
    this.name = 'CorruptData';
  }
}
