// WCAG 2 contrast of the colour variables in base.css, light and dark: which text sits on which
// background, and the ratio each pair must reach (4.5:1 for text, 3:1 for large text and controls).
// Checked by contrast.test.ts (no axe in the browser journeys yet; see the renderer README).

/** Text colour, background colour, minimum ratio, where it shows. */
export const PAIRS: [fg: string, bg: string, min: number, where: string][] = [
  ['--text', '--bg', 4.5, 'body text'],
  ['--text', '--surface', 4.5, 'panel text'],
  ['--text-2', '--surface', 4.5, 'secondary text'],
  ['--text-2', '--sidebar', 4.5, 'sidebar items'],
  ['--muted', '--bg', 4.5, 'grey text on the page'],
  ['--muted', '--surface', 4.5, 'grey text in panels'],
  ['--muted', '--surface-2', 4.5, 'grey table headers and footers'],
  ['--muted', '--sidebar', 4.5, 'grey text in the sidebar'],
  ['--muted', '--hover', 4.5, 'grey text in a hovered row'],
  ['--muted', '--grey-soft', 4.5, 'segment counts'],
  ['--accent', '--surface', 4.5, 'links'],
  ['--accent', '--bg', 4.5, 'links on the page'],
  ['--accent-text', '--accent', 4.5, 'primary buttons'],
  ['--on-danger', '--danger', 4.5, 'danger buttons (Purge, Revoke token)'],
  ['--danger', '--surface', 3, 'the danger button against its dialog'],
  ['--red', '--surface', 4.5, 'quiet danger buttons, errors'],
  ['--red', '--red-soft', 4.5, 'red badges, offline banner icon'],
  ['--text', '--red-soft', 4.5, 'offline banner text'],
  ['--text-2', '--red-soft', 4.5, 'offline banner detail'],
  ['--green', '--green-soft', 4.5, 'green badges'],
  ['--amber', '--amber-soft', 4.5, 'amber badges'],
  ['--amber', '--surface', 4.5, 'paused projects'],
  ['--orange', '--orange-soft', 4.5, 'orange badges'],
  ['--grey', '--grey-soft', 4.5, 'grey badges'],
];

/** The custom properties of the first rule body after `marker` (':root {' or the dark media query's). */
export function variablesIn(css: string, marker: string): Record<string, string> {
  const start = css.indexOf(marker);
  if (start < 0) throw new Error(`no ${marker} in the stylesheet`);
  const open = css.indexOf(':root {', start);
  const body = css.slice(open, css.indexOf('}', open));
  return Object.fromEntries([...body.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
