/** What the process maps from files: NT_FILE's entries, and the ELF images found among them. */

export interface FileMapping {
  readonly start: bigint;
  readonly end: bigint;
  /** Byte offset in the file (NT_FILE stores pages; converted with its page size). */
  readonly fileOffset: bigint;
  readonly path: string;
}

export interface Module {
  readonly path: string;
  readonly start: bigint;
  readonly end: bigint;
  /** Load bias: where the image's first mapping starts minus its first PT_LOAD's p_vaddr (page-aligned). */
  readonly base: bigint;
  readonly buildId?: string;
  /** Whether the module's ELF header was found in the dump's memory. */
  readonly headerInDump: boolean;
  /** The image's PT_LOADs (file range and permissions), when its header was in the dump. */
  readonly loads?: readonly { readonly fileOffset: number; readonly fileSize: number; readonly perms: string }[];
}
