import { mergeConfig } from 'vitest/config';
import { defineProject } from '../../vitest.shared.js';

export default mergeConfig(defineProject(), {
  test: { globalSetup: ['test/global-setup.ts'] },
});
