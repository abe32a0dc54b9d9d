// Copies the web console's static files (HTML, CSS, images) next to its compiled modules in
// dist/console, which `spool serve` serves. Part of `npm run build`.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';

const source = 'src/console';
const target = 'dist/console';
const copied = new Set(['.html', '.css', '.svg', '.png']);

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

for (const file of filesUnder(source).filter((path) => copied.has(extname(path)))) {
  const destination = join(target, relative(source, file));
  mkdirSync(dirname(destination), { recursive: true });
  copyFileSync(file, destination);
}
