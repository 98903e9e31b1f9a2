/**
 * One colour per Memory Kind, the same in every chart and swatch, readable on light and dark backgrounds.
 * Kinds outside the named set (the protection names maddress uses for anonymous memory) share greys/blues.
 */
const NAMED: Readonly<Record<string, string>> = {
  Stack: '#d9534f',
  StackGuard: '#e89a98',
  Image: '#4a7fd6',
  MappedFile: '#49a6a6',
  Heap: '#e0a030',
  GCHeap: '#c77d1d',
  CLRCode: '#8e63c9',
  Vdso: '#7aa35a',
  DiagInfo: '#a0a0a0',
  '[RESERVED]': '#8c8c9c',
  PAGE_READWRITE: '#5fa37f',
  PAGE_READONLY: '#9cbc6a',
  PAGE_EXECUTE_READ: '#b06ab3',
  PAGE_NOACCESS: '#7d7d8a',
};

const FALLBACK = ['#6b8fb3', '#b3866b', '#6bb3a4', '#a86bb3', '#b3a36b', '#6b71b3'];

export function kindColor(kind: string): string {
  const named = NAMED[kind];
  if (named !== undefined) return named;
  let h = 0;
  for (let i = 0; i < kind.length; i++) h = (h * 31 + kind.charCodeAt(i)) >>> 0;
  return FALLBACK[h % FALLBACK.length] ?? '#888';
}

/** Relative luminance (WCAG) of a `#rrggbb` colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Black or white, whichever contrasts more with the kind's colour: for text drawn on it. */
export function kindTextColor(kind: string): string {
  const l = luminance(kindColor(kind));
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}
