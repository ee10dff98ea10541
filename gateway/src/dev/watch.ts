/**
 * Watches folders for `portico dev` and reports settled changes: events
 * within `settleMs` of each other are one change, named by the last file
 * seen. Editor droppings (swap files, backups, `.git`) are ignored.
 */
import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

const IGNORED = /(^|[\\/])(\.git|node_modules|\.DS_Store)([\\/]|$)|\.(swp|swx|swo|tmp)$|~$|(^|[\\/])\.#|(^|[\\/])4913$/;

export interface WatchOptions {
  dirs: string[];
  settleMs?: number;
  onChange(file: string): void;
  onError?(err: Error, dir: string): void;
}

export interface Watcher {
  close(): void;
}

export function watchFolders(options: WatchOptions): Watcher {
  const settleMs = options.settleMs ?? 150;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = "";
  const watchers: FSWatcher[] = [];
  for (const dir of options.dirs) {
    let w: FSWatcher;
    try {
      w = watch(dir, { recursive: true }, (_event, name) => {
        if (name === null) return;
        const file = path.join(dir, name.toString());
        if (IGNORED.test(file)) return;
        last = file;
        clearTimeout(timer);
        timer = setTimeout(() => options.onChange(last), settleMs);
      });
    } catch (err) {
      options.onError?.(err as Error, dir);
      continue;
    }
    w.on("error", (err) => options.onError?.(err, dir));
    watchers.push(w);
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
