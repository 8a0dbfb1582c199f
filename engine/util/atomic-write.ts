// Atomic file writes for exports: the data goes to a temporary file in the target's folder,
// is flushed to disk, then renamed over the target. A crash, a full disk or a cancelled
// write leaves either the old file or the complete new one, never a truncated mix. Node only
// (no vscode), so the CLI and the extension share it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const dir = path.dirname(target);
  // Same folder, so the rename never crosses file systems; dot-prefixed so watchers ignore it.
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) { try { fs.closeSync(fd); } catch { /* already failing */ } }
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    throw e;
  }
}
