import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Domain cores do not touch the OS: sockets, timers, processes live in sys/ and the entry points.
    files: ['src/vrrp/**/*.ts', 'src/config/**/*.ts', 'src/core/**/*.ts', 'src/netlink/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/**/*-socket.ts', 'src/**/*-client.ts', 'src/**/runner.ts', 'src/**/driver.ts', 'src/core/real-clock.ts', 'src/config/source/fs-reader.ts', 'src/config/read-config.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['node:net', 'node:dgram', 'node:child_process', 'node:http', 'node:tls', 'node:fs'] }],
    },
  },
);
