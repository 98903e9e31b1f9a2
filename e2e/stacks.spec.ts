/**
 * What the threads are doing, in the page: the stacks pass over a real dump of scripts/dumps/stacks.c (groups of
 * threads in known call chains, built -O2 without frame pointers), first from the dump alone, then with the
 * binaries added through the same file input as dumps — and the JSON download against `coreview --stacks --json`
 * given the same files.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStacksDump, MakeDumpError, type MadeStacksDump } from '../scripts/dumps/make-stacks-dump.mjs';
import { app, cli, downloadJson, expect, openFile, showView, test, waitReady, waitStacksDone } from './fixtures';

interface StacksDoc {
  readonly threads: readonly {
    readonly tid: number;
    readonly frames?: readonly { readonly pc: string; readonly trust: string; readonly symbol?: string }[];
    readonly unwindStop?: string;
  }[];
  readonly modules: readonly { readonly path: string; readonly buildId?: string; readonly symbols?: string }[];
  readonly stackGroups?: readonly { readonly threads: readonly number[] }[];
}

let dir = '';
let made: MadeStacksDump | string = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = mkdtempSync(join(tmpdir(), 'coreview-e2e-stacks-'));
  const reasons: string[] = [];
  for (const producer of ['kernel', 'gcore'] as const) {
    try {
      made = await makeStacksDump({ variant: 'O2-nofp', producer, outDir: join(dir, producer), threads: 3 });
      return;
    } catch (e) {
      if (!(e instanceof MakeDumpError)) throw e;
      reasons.push(`${producer}: ${e.message.split('\n')[0] ?? ''}`);
    }
  }
  made = `no real dump of scripts/dumps/stacks.c can be made here (${reasons.join('; ')})`;
});

test.afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** The files `coreview --stacks` finds for the dump by itself: its modules' paths and their debug files by build-id. */
function filesTheCliFinds(doc: StacksDoc): string[] {
  const files: string[] = [];
  for (const m of doc.modules) {
    if (existsSync(m.path)) files.push(m.path);
    const id = m.buildId;
    const debug = id === undefined ? '' : `/usr/lib/debug/.build-id/${id.slice(0, 2)}/${id.slice(2)}.debug`;
    if (debug !== '' && existsSync(debug)) files.push(debug);
  }
  return files;
}

test('frames from the dump alone, then from the binaries added beside it; the JSON is the CLI’s', async ({ page }) => {
  test.skip(typeof made === 'string', typeof made === 'string' ? made : '');
  if (typeof made === 'string') return;
  const core = made.core;
  await page.goto('./?census=off');
  await openFile(page, core);
  await waitReady(page);
  await waitStacksDone(page);

  // The dump alone: every thread has frames, the first from its registers; the modules say what would help.
  const alone = JSON.parse(await downloadJson(page)) as StacksDoc;
  expect(alone).toEqual(JSON.parse(cli(core, '--json', '--stacks', '--offline')));
  for (const t of alone.threads) expect(t.frames?.[0]?.trust).toBe('context');
  await showView(page, 'Overview');
  await expect(page.getByTestId('better-stacks')).toContainText('stacks');
  await expect(page.getByRole('button', { name: 'Add binaries…' }).first()).toBeVisible();

  // The binaries, through the same input as dumps: a new pass, with names and CFI.
  const cliDoc = JSON.parse(cli(core, '--json', '--stacks')) as StacksDoc;
  const files = filesTheCliFinds(cliDoc);
  expect(files).toContain(made.exe);
  await page.locator('input[type=file]').setInputFiles(files);
  await expect(app(page)).toHaveAttribute('data-stacks', 'running');
  await waitStacksDone(page);
  const withFiles = JSON.parse(await downloadJson(page)) as StacksDoc;
  expect(withFiles.threads.map((t) => t.frames)).toEqual(cliDoc.threads.map((t) => t.frames));
  expect(withFiles.stackGroups).toEqual(cliDoc.stackGroups);
  expect(withFiles.modules.map((m) => m.symbols)).toEqual(cliDoc.modules.map((m) => m.symbols));
  for (const t of withFiles.threads) expect(t.unwindStop).toBe('outermost');

  // The Threads view leads with the groups: the program's own call chains by name.
  await showView(page, 'Threads');
  const tree = page.getByRole('tree', { name: 'Stacks merged from the outermost frame' });
  await expect(tree).toContainText('stacks!conn_thread');
  await expect(tree).toContainText('stacks!pool_worker');
  await expect(tree).toContainText('libc.so.6!__recv');
  // A group's row opens its threads: the thread table is filtered to them.
  await page.getByRole('button', { name: 'Flat list' }).click();
  await page
    .getByRole('button', { name: /^Show the 3 threads of stack group/ })
    .first()
    .click();
  await expect(page.getByText(/3 of 13 threads|3 threads/).first()).toBeVisible();
  await expect(page.getByRole('columnheader', { name: /Blocked in/ })).toBeVisible();
});
