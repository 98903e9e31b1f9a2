/**
 * The engine's shared types, below every part of it that reads a dump (notes/, model/, scan/, format/, run/):
 * each file here imports nothing of the engine but the ELF layer's word types.
 */
export type { Analysis } from './analysis';
export type { AuxvEntry, NoteInfo, Producer } from './dump';
export type { FileMapping, Module } from './module';
export type { OsEvidence, OsIdentification, OsSource, ProcessInfo, RuntimeInfo } from './process';
export { UNKNOWN, UNKNOWN_PERMS, type HeuristicTag, type MemoryKind, type Region } from './region';
export { RegisterSet, type Register } from './registers';
export type { Thread } from './thread';
export type { ImageTotal, KindTotal } from './totals';
export type {
  EnvironmentVariable,
  Finding,
  FindingEvidence,
  FindingSeverity,
  Frame,
  FrameTrust,
  ModuleSymbols,
  ModuleSymbolStatus,
  ProcessEnvironment,
  StackGroup,
  Syscall,
  SymbolSource,
  ThreadStack,
  UnwindStop,
} from './stacks';
