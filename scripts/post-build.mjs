// Makes the compiled CLI entry point executable (tsc keeps its #! line but not the mode bit).
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'src', 'cli', 'keepalived-ts.js');
if (existsSync(bin)) chmodSync(bin, 0o755);
