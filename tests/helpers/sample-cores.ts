/**
 * A small but realistic x86_64 kernel-style core, shared by the model, robustness and CLI tests: an executable
 * with a build-id, its bss and a brk heap, a shared library, a second thread's stack with its guard page, the main
 * stack holding AT_EXECFN's string, the vDSO with vvar below it, and the notes the kernel writes in its order
 * (PRSTATUS of the signalled thread, PRPSINFO, SIGINFO, AUXV, FILE, then the other threads).
 */
import {
  AT_EXECFN,
  AT_PAGESZ,
  AT_SYSINFO_EHDR,
  ET_EXEC,
  coreBuilder,
  elfImage,
  type CoreBuilder,
} from './core-builder';

export const SAMPLE = {
  exe: '/usr/bin/app',
  libc: '/usr/lib/x86_64-linux-gnu/libc.so.6',
  exeStart: 0x400000n,
  exeDataStart: 0x402000n,
  bssStart: 0x403000n,
  heapStart: 0x405000n,
  heapSize: 0x8000,
  libcStart: 0x7f0000000000n,
  guardStart: 0x7f0000100000n,
  threadStackStart: 0x7f0000101000n,
  threadStackSize: 0x8000,
  threadSp: 0x7f0000108000n,
  mainStackStart: 0x7ffc00000000n,
  mainStackSize: 0x10000,
  mainSp: 0x7ffc0000f000n,
  execfn: 0x7ffc0000ff00n,
  vvarStart: 0x7ffcffffc000n,
  vdso: 0x7ffd00000000n,
  faultAddress: 0xdeadbeefn,
  pid: 4242,
  crashedTid: 4242,
  otherTid: 4243,
  exeBuildId: '0123456789abcdef0123456789abcdef01234567',
  libcBuildId: 'beefcafe',
} as const;

function sampleCoreBuilder(): CoreBuilder {
  const s = SAMPLE;
  return coreBuilder({ bits: 64 })
    .thread({ tid: s.crashedTid, signal: 11, pc: 0x401234n, sp: s.mainSp, info: { signo: 11 } })
    .prpsinfo({ pid: s.pid, ppid: 1, uid: 1000, gid: 1000, fname: 'app', psargs: '/usr/bin/app --serve', sname: 'R' })
    .siginfo({ signo: 11, code: 1, addr: s.faultAddress })
    .auxv([
      [AT_PAGESZ, 4096n],
      [AT_SYSINFO_EHDR, s.vdso],
      [AT_EXECFN, s.execfn],
    ])
    .file([
      { start: s.exeStart, end: s.exeDataStart, offset: 0, path: s.exe },
      { start: s.exeDataStart, end: s.bssStart, offset: 0x2000, path: s.exe },
      { start: s.libcStart, end: s.libcStart + 0x2000n, offset: 0, path: s.libc },
    ])
    .thread({ tid: s.otherTid, signal: 11, pc: 0x7f0000000100n, sp: s.threadSp, info: { signo: 11 } })
    .load({
      vaddr: s.exeStart,
      size: 0x2000,
      flags: 'r-x',
      data: elfImage({ buildId: s.exeBuildId, type: ET_EXEC, vaddr: s.exeStart }),
    })
    .load({ vaddr: s.exeDataStart, size: 0x1000, flags: 'rw-', fill: 0x11 })
    .load({ vaddr: s.bssStart, size: 0x1000, flags: 'rw-' })
    .load({ vaddr: s.heapStart, size: s.heapSize, flags: 'rw-', fill: 0x22 })
    .load({
      vaddr: s.libcStart,
      size: 0x2000,
      filesz: 0x1000,
      flags: 'r-x',
      data: elfImage({ buildId: s.libcBuildId }),
    })
    .load({ vaddr: s.guardStart, size: 0x1000, filesz: 0, flags: '---' })
    .load({ vaddr: s.threadStackStart, size: s.threadStackSize, flags: 'rw-' })
    .load({
      vaddr: s.mainStackStart,
      size: s.mainStackSize,
      flags: 'rw-',
      at: [[Number(s.execfn - s.mainStackStart), `${s.exe}\0`]],
    })
    .load({ vaddr: s.vvarStart, size: 0x4000, filesz: 0, flags: 'r--' })
    .load({ vaddr: s.vdso, size: 0x2000, flags: 'r-x', data: elfImage({ buildId: 'f00d' }) });
}

export function sampleCore(): Uint8Array {
  return sampleCoreBuilder().build();
}
