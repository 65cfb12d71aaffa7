/** A SegmentStore on a local directory, so ffprobe can read what the writer produced. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SegmentStore } from '../../src/index.js';

export class DirectoryStore implements SegmentStore {
  constructor(readonly root: string) {}

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = join(this.root, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }

  async delete(key: string): Promise<void> {
    rmSync(join(this.root, key), { force: true });
  }
}
