/**
 * WCAG contrast between two CSS colours as the browser resolves them (any syntax:
 * `rgb()`, hex, `color-mix()`…), read back through a canvas. Self-contained, so the
 * e2e checks can also inject it into a page with `toString()`.
 */
export function contrastRatio(first: string, second: string): number {
  const context = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
  const luminance = (color: string): number => {
    context.clearRect(0, 0, 1, 1);
    context.fillStyle = color;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = [...context.getImageData(0, 0, 1, 1).data].map((channel) => {
      const value = channel / 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const [light, dark] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

/** The surfaces the demo's gallery puts elements on: page, card and inset card, light then dark. */
export const SURFACES = {
  light: ['#ffffff', '#f1f3f6', '#f6f7f9'],
  dark: ['#0d1117', '#161b22', '#1f2630'],
} as const;
