// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O libraries, no
// Temporal packages that only work outside it. Everything but type imports of these is an error.
const workflowBannedImports = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'crypto',
  'child_process',
  'http',
  'https',
  'net',
  'stream',
  // …Node's stream, not the contracts of Kafka streams.
  '!../contracts/stream',
  'worker_threads',
  'onnxruntime-node',
  'danfojs-node',
  'better-sqlite3',
  'papaparse',
  'fastify',
  '@temporalio/worker',
  '@temporalio/client',
  '@temporalio/activity',
  '@temporalio/testing',
  '**/activities',
  '**/activities/*',
  '**/registry/*',
  '**/serving/*',
  '**/data/*',
];

// Which way dependencies point. Wire types live in contracts, which imports nothing but typebox, so
// every layer can share them without reaching into another's implementation.
const restrictedPaths = [
  {
    target: './contracts',
    from: [
      './activities',
      './cli',
      './core',
      './data',
      './models',
      './monitoring',
      './registry',
      './schedules',
      './scripts',
      './serving',
      './workers',
      './workflows',
    ],
    message: 'contracts holds wire types and their schemas only: it imports nothing but typebox.',
  },
  {
    target: './activities',
    from: './serving',
    // The stream consumer scores as /predict does: the same pool of ONNX sessions and the same record checks.
    except: ['./model-pool.ts', './request-validation.ts'],
    message:
      'Activities talk to the scoring server over HTTP: share its wire types through contracts, not its route modules.',
  },
  {
    target: ['./workflows', './contracts'],
    from: ['./registry', './monitoring', './data', './serving'],
    message:
      'Workflow code and contracts do not reach storage (registry, prediction log) or I/O code: use contracts types.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.venv/**',
      '.kafka/**',
      'dist/**',
      'test-output/**',
      '.mlcycle/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.mjs', 'scripts/*.cjs', 'bin/*.cjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    // Without a resolver that knows .ts, import-x resolves no relative import and its rules see nothing.
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json'] })] },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones: restrictedPaths }],
      'no-console': 'off',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: workflowBannedImports,
              allowTypeImports: true,
              message:
                'Workflow code must stay deterministic: import only types of activities, and no Node or I/O modules.',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'Buffer', 'require'],
    },
  },
  {
    files: ['contracts/**/*.ts'],
    rules: {
      // Only typebox among packages; files of contracts itself are allowed by the zones above.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!typebox(/|$)|\\.{1,2}/)',
              message: 'contracts imports nothing but typebox.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
      },
    },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
);
