// Lint for the whole repository: typescript-eslint's strict type-checked rules and React's hook rules, with the
// few exceptions the code base needs named here, each with its reason. `npm run lint` runs it with Prettier,
// dependency-cruiser (the layer rules) and knip (unused files and exports); `npm test` runs `npm run lint` first.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'dist-test/',
      'build/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      '.bench/',
      'public/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // Numbers and bigints in template strings are how addresses, sizes and counts become text everywhere here.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `void promise` marks a deliberate fire-and-forget (comlink calls, event sends) — the codebase's idiom.
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidOperator: true },
      ],
      // Unused arguments prefixed with _ keep a callback's documented signature. TData/TValue: a module augmentation
      // of react-table's ColumnMeta must repeat its type parameters by name, used or not.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_|^TData$|^TValue$' },
      ],
      // @tanstack/react-virtual's useVirtualizer is incompatible with the React Compiler by design; the app does not
      // use the compiler, so the warning says nothing about this code.
      'react-hooks/incompatible-library': 'off',
      // Typed-array reads are `number | undefined` under noUncheckedIndexedAccess; `?? 0` on them is not dead code.
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  {
    // Tests build fixtures by hand and poke at internals; the product's strictness on them costs more than it finds.
    files: ['tests/**', 'e2e/**', '**/*.test.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      'no-empty-pattern': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Bodies passed to Playwright's page.evaluate / waitForFunction run in the page, where window and document exist.
    files: ['scripts/bench-browser.mjs', 'e2e/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Playwright hands fixtures a callback named `use` by convention; there is no React in e2e/, so it is no hook.
    files: ['e2e/**'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
);
