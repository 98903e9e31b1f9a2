/**
 * Files opened from the desktop with the installed app (the manifest's file_handlers, see vite.config.ts): the
 * browser hands them to the page through window.launchQueue (the File Handling API, Chromium's only), as handles.
 * They open the way a dropped file does, and join the recent dumps with their handles.
 */
import { useEffect, useRef } from 'react';
import { filesOf } from './file-handles';

/** What the browser passes to the consumer: the files of one launch (none when the app was just started). */
export interface LaunchParams {
  readonly files: readonly FileSystemHandle[];
}

interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => unknown): void;
}

/**
 * One launch: the files behind its handles, given to `onFiles` (the page's open-files path). A handle whose file
 * cannot be read (moved, deleted since) gets a sentence through `onProblem` instead of an exception.
 */
export async function consumeLaunch(
  params: LaunchParams,
  onFiles: (files: File[]) => void,
  onProblem: (message: string) => void,
): Promise<void> {
  if (params.files.length === 0) return;
  try {
    const files = await filesOf(params.files);
    if (files.length > 0) onFiles(files);
    else onProblem('only folders were given: open a core dump file');
  } catch (e) {
    const names = params.files.map((h) => h.name).join(', ');
    onProblem(`${names} could not be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Takes the launches of this page (none outside the installed app) for as long as the component is mounted. */
export function useLaunchFiles(onFiles: (files: File[]) => void, onProblem: (message: string) => void): void {
  // The latest callbacks: the consumer is set once, and the browser queues launches until it is.
  const latest = useRef({ onFiles, onProblem });
  useEffect(() => {
    latest.current = { onFiles, onProblem };
  }, [onFiles, onProblem]);
  useEffect(() => {
    const queue = (window as { launchQueue?: LaunchQueue }).launchQueue;
    queue?.setConsumer((params) =>
      consumeLaunch(
        params,
        (files) => latest.current.onFiles(files),
        (message) => latest.current.onProblem(message),
      ),
    );
  }, []);
}
