import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// onnxruntime-node's WebGPU EP in tests (docs/architecture.md decision 10b): Chromium's SwiftShader Vulkan
// driver, and Chromium's Vulkan loader for machines without libvulkan1. Set here, before the test processes
// are forked, because the dynamic loader reads LD_LIBRARY_PATH only when a process starts.
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (existsSync(SWIFTSHADER)) {
  process.env.VK_ICD_FILENAMES ??= SWIFTSHADER;
  process.env.LD_LIBRARY_PATH = ['/usr/lib/chromium', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores on CI: more workers than that only thrash.
    maxWorkers: 2,
  },
});
