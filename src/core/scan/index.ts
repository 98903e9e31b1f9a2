/** The memory scans over a ByteSource: page census, pattern search and their text form. */
export * from './scan-common';
export * from './census';
export * from './census-summary';
export * from './search-pattern';
export * from './search';
export * from './hex-format';
export * from './identify-os';
