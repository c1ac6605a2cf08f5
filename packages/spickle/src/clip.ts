// Inputs echoed in messages (paths, values) are cut, so a huge one cannot make a huge line.

/** Inputs echoed in a message are cut to this many characters. */
export const MAX_ECHO = 200;

/** `text` cut to `max` characters (an ellipsis says it was). */
export function clip(text: string, max = MAX_ECHO): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
