/**
 * Component tests run in jsdom, which has no layout: ResizeObserver is absent and every element measures 0×0, so
 * the virtualizer would render no rows. Importing this gives elements a screenful of size (1000×600).
 */
// Typed as optional: the DOM types declare ResizeObserver everywhere, and jsdom has none.
(globalThis as { ResizeObserver?: typeof ResizeObserver }).ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
} as unknown as typeof ResizeObserver;
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
