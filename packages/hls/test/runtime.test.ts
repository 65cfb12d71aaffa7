import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../src');

describe('runs wherever JavaScript runs', () => {
  it('imports no node: module anywhere in its sources', () => {
    for (const file of readdirSync(src)) {
      const text = readFileSync(join(src, file), 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:|import\(['"]node:|require\(/);
    }
  });

  it('uses media-client for types only, in the adapter alone', () => {
    for (const file of readdirSync(src)) {
      const imports =
        readFileSync(join(src, file), 'utf8').match(/^import .*from '@oss-media\/.*$/gm) ?? [];
      if (file === 'media-client-store.ts')
        expect(imports).toEqual(["import type { OssClient } from '@oss-media/media-client';"]);
      else expect(imports, file).toEqual([]);
    }
  });
});
