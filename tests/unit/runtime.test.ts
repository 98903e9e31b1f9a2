import { describe, expect, it } from 'vitest';
import { detectRuntime } from '../../src/core/model/runtime';
import type { FileMapping } from '../../src/core/types';

const files = (...paths: string[]): FileMapping[] =>
  paths.map((path, i) => ({ start: BigInt(i) << 20n, end: (BigInt(i) << 20n) + 0x1000n, fileOffset: 0n, path }));

describe('runtime detection from the mapped files', () => {
  it('.NET and Java as before, the version from the install path', () => {
    expect(detectRuntime(files('/usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/libcoreclr.so'))).toEqual({
      name: '.NET',
      version: '8.0.11',
      versionFrom: 'path',
      evidence: 'maps /usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.11/libcoreclr.so',
    });
    expect(detectRuntime(files('/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so'))).toMatchObject({
      name: 'Java (HotSpot)',
      version: '17',
    });
    // .NET wins over anything else the process maps.
    expect(
      detectRuntime(files('/usr/bin/node', '/opt/dotnet/shared/Microsoft.NETCore.App/6.0.0/libcoreclr.so'))?.name,
    ).toBe('.NET');
  });

  it('Node.js: the version from the path when it has one (nvm, the official tarball, Nix)', () => {
    expect(detectRuntime(files('/home/u/.nvm/versions/node/v20.11.1/bin/node'))).toMatchObject({
      name: 'Node.js',
      version: '20.11.1',
      versionFrom: 'path',
    });
    expect(detectRuntime(files('/opt/node-v18.19.0-linux-x64/bin/node'))).toMatchObject({
      version: '18.19.0',
      versionFrom: 'path',
    });
    expect(detectRuntime(files('/nix/store/abc-nodejs-22.3.0/bin/node'))).toMatchObject({ version: '22.3.0' });
  });

  it("Node.js: libnode's soname is the ABI, mapped to a major version only where that is certain; else unknown", () => {
    const debian = detectRuntime(files('/usr/bin/node', '/usr/lib/x86_64-linux-gnu/libnode.so.108'));
    expect(debian).toEqual({
      name: 'Node.js',
      version: '18',
      versionFrom: 'abi',
      evidence:
        "maps /usr/bin/node and /usr/lib/x86_64-linux-gnu/libnode.so.108; version 18 from libnode's ABI number 108",
    });
    expect(detectRuntime(files('/usr/lib/x86_64-linux-gnu/libnode.so.115'))?.version).toBe('20');
    const ubuntu = detectRuntime(files('/usr/bin/node', '/usr/lib/x86_64-linux-gnu/libnode.so.109'));
    expect(ubuntu?.version).toBeUndefined();
    expect(ubuntu?.evidence).toMatch(/libnode's ABI number 109 stands for no single Node.js version$/);
    const plain = detectRuntime(files('/usr/bin/node'));
    expect(plain).toEqual({ name: 'Node.js', evidence: 'maps /usr/bin/node; no version in the path' });
  });

  it('Python: libpython3.X or a python3.X executable, the full version from the install path when it agrees', () => {
    expect(detectRuntime(files('/usr/bin/python3.11'))).toMatchObject({
      name: 'Python',
      version: '3.11',
      evidence: 'maps /usr/bin/python3.11',
    });
    expect(detectRuntime(files('/usr/bin/gdb', '/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0'))).toMatchObject({
      name: 'Python',
      version: '3.11',
    });
    expect(detectRuntime(files('/home/u/.pyenv/versions/3.12.4/bin/python3.12'))?.version).toBe('3.12.4');
    expect(detectRuntime(files('/usr/bin/python3'))).toEqual({ name: 'Python', evidence: 'maps /usr/bin/python3' });
  });

  it('nothing for a plain native process', () => {
    expect(
      detectRuntime(files('/usr/bin/app', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/node_modules/x/y.so')),
    ).toBeUndefined();
  });
});
