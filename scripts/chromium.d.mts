/** Types for chromium.mjs (plain Node ESM, shared by playwright.config.ts and the browser bench). */
export declare const chromiumLaunchOptions: { readonly executablePath?: string; readonly args: string[] };
