/** Parses a message body; undefined when it is not JSON (the caller's schema then reports it as malformed). */
export const jsonOrUndefined = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
