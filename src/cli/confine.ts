/**
 * Checking, after `open()`, that a file served lies under the root.
 * @packageDocumentation
 */
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import { isWithin } from './safe-path';

/** Where Linux shows, as a symbolic link, the file each descriptor of this process is open on. */
export const PROC_SELF_FD = '/proc/self/fd';

/**
 * Whether the file open as `handle` lies under the root — the file whose
 * real path `checked` was found under it before `open()`.
 *
 * Why: resolving the real path and opening it are two system calls. In
 * between, whoever may write in the served tree can replace a directory on
 * the way with a symbolic link leading out of the root, and `open()` follows
 * it (time of check to time of use). Node has no `openat()` with
 * `O_NOFOLLOW` on every component, so the descriptor is checked instead:
 *
 * - on Linux, `/proc/self/fd/N` names the file the descriptor is open on,
 *   as the kernel resolved it during `open()`: that name must lie under
 *   `realRoot`, and no later swap can change it;
 * - elsewhere (no `/proc`), `checked` must still be its own real path (no
 *   link has appeared on it) and name the open file (same device and inode
 *   as the descriptor's `fstat`). A swap made before `open()` and left in
 *   place is caught; beating this check takes two more swaps timed between
 *   its own system calls.
 *
 * @param realRoot - the root's real path, one character per octet (as {@link isWithin} compares it)
 * @param procSelfFd - {@link PROC_SELF_FD}; another directory only in tests (a missing one forces the fallback)
 */
export async function openedWithin(handle: FileHandle, checked: Buffer, realRoot: string, procSelfFd: string = PROC_SELF_FD): Promise<boolean> {
  let opened: Buffer | undefined;
  try {
    opened = await fs.readlink(`${procSelfFd}/${handle.fd}`, { encoding: 'buffer' });
  } catch {
    opened = undefined; // no /proc (not Linux, or not mounted)
  }
  // Not an absolute name (`pipe:[…]`, `anon_inode:…`): not a file in the tree.
  if (opened !== undefined) return opened[0] === 0x2f /* / */ && isWithin(realRoot, opened.toString('latin1'));
  try {
    const [real, there, open] = await Promise.all([fs.realpath(checked, { encoding: 'buffer' }), fs.stat(checked, { bigint: true }), handle.stat({ bigint: true })]);
    return real.equals(checked) && there.dev === open.dev && there.ino === open.ino;
  } catch {
    return false; // `checked` is gone or unreadable now: what was opened cannot be vouched for
  }
}

/**
 * A path that names the file open as `handle` itself, not whatever its
 * path leads to now: `/proc/self/fd/N` on Linux (the kernel follows it to
 * the open file, whatever was renamed or swapped since), `undefined` where
 * there is no such name. A directory is then read through it, so that what
 * a listing shows is the directory that was checked.
 *
 * @param procSelfFd - {@link PROC_SELF_FD}; another directory only in tests (a missing one: `undefined`)
 */
export async function descriptorPath(handle: FileHandle, procSelfFd: string = PROC_SELF_FD): Promise<string | undefined> {
  const where = `${procSelfFd}/${handle.fd}`;
  try {
    await fs.access(where);
    return where;
  } catch {
    return undefined;
  }
}
