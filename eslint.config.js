// Lint rules for the whole repository. The one architectural rule: main/core runs headless, so it
// never imports electron (or electron-store, which loads electron).
import tseslint from 'typescript-eslint';

const electronFree = {
  patterns: [
    {
      group: ['electron', 'electron/*', 'electron-store'],
      message: 'main/core runs headless: never import electron here. Pass Electron APIs in through a port from main/electron.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'artifacts/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['main/core/**/*.ts', 'main/cli/**/*.ts', 'migrations/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', electronFree],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Tests read arbitrary JSON answers; typing every one would hide what they check.
    files: ['**/*.test.ts', '**/*.test.tsx', 'main/core/testing/**', 'e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
