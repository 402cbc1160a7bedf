/**
 * `text` as one flat string. A string built by `+` or a template literal is a tree of concatenation nodes; reading
 * a character of it makes V8 copy it into one flat string once, and the garbage collector then keeps only that.
 * Ten thousand explanations a round live until the round ends, and a surviving tree is copied node by node.
 * The content is unchanged either way: this only spares memory and collector work.
 */
export function flattened(text: string): string {
  // The read's result is used (a zero-length string is returned as is), so that a compiler cannot drop it.
  return text.length > 0 && text.charCodeAt(0) >= 0 ? text : text;
}
