// A diverging colour scale for values in a diagram: blue for negative, white at 0, red for positive,
// saturating at ±limit (the number itself is always shown in full next to or over the colour).

/** CSS rgb() for a value; non-finite values are grey. */
export function divergingColor(value: number, limit = 1): string {
  if (!Number.isFinite(value)) return 'rgb(160, 160, 160)';
  const s = Math.min(1, Math.abs(value) / limit);
  const fade = (full: number): number => Math.round(255 + (full - 255) * s);
  return value >= 0 ? `rgb(${fade(214)}, ${fade(39)}, ${fade(40)})` : `rgb(${fade(31)}, ${fade(119)}, ${fade(180)})`;
}

/** CSS rgb() for a value in [0, 1] (gate activations): white at 0 to dark green at 1; non-finite is grey. */
export function sequentialColor(value: number): string {
  if (!Number.isFinite(value)) return 'rgb(160, 160, 160)';
  const s = Math.min(1, Math.max(0, value));
  const mix = (full: number): number => Math.round(255 + (full - 255) * s);
  return `rgb(${mix(0)}, ${mix(109)}, ${mix(44)})`;
}
