/** Advance widths in em of DejaVu Sans (what `sans-serif` is on most Linux desktops), printable ASCII. */
const ASCII_EM = [
  // space ! " # $ % & ' ( ) * + , - . /
  0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337,
  // 0-9
  0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636,
  // : ; < = > ? @
  0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1.0,
  // A-Z
  0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
  0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685,
  // [ \ ] ^ _ `
  0.39, 0.337, 0.39, 0.838, 0.5, 0.5,
  // a-z
  0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
  0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525,
  // { | } ~
  0.636, 0.337, 0.636, 0.838,
];
/** Bold glyphs of the same face are about this much wider. */
const BOLD = 1.1;
/** Anything else (dashes, ≤, µ…): a wide-ish guess. */
const OTHER_EM = 0.8;

/**
 * Width in pixels of a line of text in a sans-serif face, from a glyph-width table. Vega lays
 * out charts (axis titles, legends, facet headers) from text widths; in Node it has no canvas to
 * measure them and guesses 0.8 em per character, about half again too wide, which leaves wide
 * empty margins in every chart. This is close enough to what a browser draws.
 *
 * @example
 * estimateTextWidth('Isolation Forest', 11); // ≈ 84
 */
export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    em += code >= 32 && code < 127 ? (ASCII_EM[code - 32] ?? OTHER_EM) : OTHER_EM;
  }
  return em * fontSize * (bold ? BOLD : 1);
}
