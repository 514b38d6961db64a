import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist',
      'node_modules',
      'public',
      '.cache',
      'test-results',
      'playwright-report',
      'bench-results',
      '.gpu',
      'tools/**/*.py',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/app/**/*.{ts,tsx}', 'src/state/**/*.ts', 'src/flows/**/*.ts', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['workers/**/*.ts'],
    languageOptions: { globals: globals.worker },
  },
  {
    files: [
      'scripts/**/*.{js,mjs}',
      'tools/**/*.{js,mjs}',
      'test/**/*.ts',
      'e2e/**/*.ts',
      'bench/**/*.{ts,mjs}',
      '*.config.{ts,js}',
    ],
    languageOptions: { globals: globals.node },
  },
  {
    // src/lib is pure: no React, no DOM; the UI and workers import it, never the reverse.
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'react',
            'react-dom',
            'zustand',
            '**/app/**',
            '**/state/**',
            '**/flows/**',
            '**/workers/**',
          ],
        },
      ],
    },
  },
  {
    // src/state is the zustand store alone: slices and persistence, no runners, no UI.
    files: ['src/state/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['react', 'react-dom', '**/app/**', '**/flows/**', '**/workers/**'] },
      ],
    },
  },
  {
    // src/flows orchestrates on the main thread without React: the UI calls it, never the reverse.
    files: ['src/flows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['react', 'react-dom', '**/app/**'] }],
    },
  },
  {
    // Small files, short functions: a file that needs more than 300 lines holds two ideas; a function in src/lib
    // longer than 80 lines is a state machine or a pipeline that wants its stages named.
    files: ['src/**/*.{ts,tsx}', 'workers/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    files: ['src/lib/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80 }] },
  },
);
