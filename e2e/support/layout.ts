// The layout check every journey can call: at the current window width nothing scrolls sideways and no
// panel, table or dialog is wider than the room it has (a cut-off button is a failure, not a style).
import { expect, type Page } from '@playwright/test';

/** Elements that would hide or scroll what sticks out of them. */
const BOXES = 'main.content, .table-wrap, .panel, dialog[open], .dialog-body';

export async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  const problems = await page.evaluate((boxes) => {
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.classList.length ? '.' + [...el.classList].join('.') : ''}`;
    // The innermost elements that reach past the box's right edge: what to fix.
    const culprits = (box: Element) => {
      const edge = box.getBoundingClientRect().right + 1;
      const sticking = [...box.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > edge);
      return sticking
        .filter((el) => !sticking.some((other) => other !== el && el.contains(other)))
        .slice(0, 3)
        .map(name);
    };
    const found: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) found.push(`the page by ${root.scrollWidth - root.clientWidth}px (${culprits(document.body).join(', ')})`);
    for (const el of document.querySelectorAll<HTMLElement>(boxes)) {
      // A box hidden by display: none has no size; skip it.
      if (el.clientWidth === 0) continue;
      if (el.scrollWidth > el.clientWidth + 1) found.push(`${name(el)} by ${el.scrollWidth - el.clientWidth}px (${culprits(el).join(', ')})`);
    }
    return found;
  }, BOXES);
  // Soft: one run lists every screen that overflows, not only the first.
  expect.soft(problems, `${where} overflows sideways at ${width}px`).toEqual([]);
}
