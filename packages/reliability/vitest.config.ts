import { defineProject } from '../../vitest.shared.js';

export default defineProject({ testTimeout: 300_000 });
