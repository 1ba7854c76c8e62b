/**
 * Commands the panel shows and copies never carry a redacted secret (`***`): each one becomes a
 * visible placeholder the user must fill, `JUPYTER_TOKEN=***` -> `JUPYTER_TOKEN=<JUPYTER_TOKEN>`.
 */

const REDACTED = /\*{3,}/;

/** The command with every `***` turned into a `<NAME>` placeholder. */
export function withPlaceholders(text: string): string {
  // NAME=*** (an environment variable, an option's value): the name says what to fill.
  let result = text.replace(
    /([A-Za-z_][A-Za-z0-9_]*)(=|:\s?)(["']?)\*{3,}\3/g,
    (_, name: string, sep: string) =>
      `${name}${sep}<${name.toUpperCase().replace(/^-+/, '')}>`
  );
  // --token *** and the like.
  result = result.replace(
    /(--?([A-Za-z][\w-]*)[ =])(["']?)\*{3,}\3/g,
    (_, flag: string, name: string) =>
      `${flag}<${name.toUpperCase().replace(/-/g, '_')}>`
  );
  return result.replace(/\*{3,}/g, '<SECRET>');
}

/** Whether a text still has a redacted secret in it. */
export function isRedacted(text: string): boolean {
  return REDACTED.test(text);
}

/** The `<NAME>` placeholders a command holds, each once, in order. */
export function placeholders(text: string): string[] {
  const found = text.match(/<[A-Z][A-Z0-9_]*>/g) ?? [];
  return [...new Set(found)];
}
