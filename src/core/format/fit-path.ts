/**
 * Long paths in a table cell of limited width (the CLI's tables on a terminal): the whole path when it fits,
 * else the file name first and its directory after it, the middle of what is still too long elided with `…`.
 */
export function fitPath(path: string, max: number): string {
  if (path.length <= max) return path;
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const dir = slash > 0 ? path.slice(0, slash) : slash === 0 ? '/' : '';
  if (name === '' || dir === '') return elideMiddle(path, max);
  // "name (dir)": the directory needs a few characters to say anything, else only the name is shown.
  const room = max - name.length - 3;
  if (room < MIN_DIRECTORY) return elideMiddle(name, max);
  return `${name} (${elideMiddle(dir, room)})`;
}

const MIN_DIRECTORY = 6;

/** `text` in at most `max` characters, its middle replaced by `…` when it is longer. */
export function elideMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}
