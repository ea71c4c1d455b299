/**
 * Checks what users install (`npm run lint` runs it after the build): packs each
 * published package once, then asserts the tarball holds exactly the expected files,
 * and runs publint and @arethetypeswrong/cli on that same tarball.
 *
 * What ships, on purpose: `dist/` (JS, declarations and their maps), `src/` (so the
 * maps resolve, go-to-definition lands in real TypeScript, and the `source` export
 * condition this monorepo uses points at files that exist), README.md and package.json.
 * No tests, examples, tsconfigs or build info.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Each published package, and what it ships besides what every package ships. */
const PACKAGES: { dir: string; extra: string[] }[] = [
  { dir: 'packages/core', extra: [] },
  { dir: 'packages/server', extra: [] },
  {
    dir: 'packages/elements',
    extra: [
      'custom-elements.json',
      'dist/presence-kit.js',
      'dist/presence-kit.js.map',
      'dist/presence-kit-worker.js',
      'dist/presence-kit-worker.js.map',
    ],
  },
];

/**
 * The packages are ESM-only (Node ≥ 20.19 can also `require()` them), so attw checks
 * Node 16+ ESM resolution and bundlers, not node10 or CommonJS.
 */
const ATTW_PROFILE = 'esm-only';

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** Every file a package should ship: each source, its four build outputs, and the extras. */
function expectedFiles(dir: string, extra: string[]): Set<string> {
  const expected = new Set(['package.json', 'README.md', ...extra]);
  const src = join(root, dir, 'src');
  for (const entry of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.ts')) continue;
    const file = entry.split('\\').join('/');
    const out = `dist/${file.slice(0, -'.ts'.length)}`;
    for (const path of [`src/${file}`, `${out}.js`, `${out}.js.map`, `${out}.d.ts`, `${out}.d.ts.map`])
      expected.add(path);
  }
  return expected;
}

const scratch = mkdtempSync(join(tmpdir(), 'presence-kit-pack-'));
let failed = false;
const fail = (name: string, lines: string[]): void => {
  failed = true;
  console.error(`✗ ${name}\n${lines.map((line) => `  ${line}`).join('\n')}`);
};

try {
  const packed = JSON.parse(
    execFileSync(
      'npm',
      ['pack', '--json', '--pack-destination', scratch, ...PACKAGES.flatMap(({ dir }) => ['--workspace', dir])],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  ) as PackResult[];

  for (const { dir, extra } of PACKAGES) {
    const pack = packed.find((p) => p.name === JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name);
    if (!pack) {
      fail(dir, ['npm pack returned nothing for it']);
      continue;
    }
    const problems: string[] = [];

    const files = new Set(pack.files.map((f) => f.path));
    const expected = expectedFiles(dir, extra);
    for (const path of expected) {
      if (!files.has(path))
        problems.push(`missing from the tarball: ${path}${path.startsWith('dist/') ? ' (run `npm run build`)' : ''}`);
    }
    for (const path of files) {
      if (!expected.has(path)) {
        problems.push(
          `unexpected in the tarball: ${path} (stale build output: \`rm -rf ${dir}/dist && npm run build\`; ` +
            `or, if users need it, add it to scripts/check-packages.ts)`,
        );
      }
    }

    const tarball = join(scratch, pack.filename);
    const { messages, pkg } = await publint({
      pack: { tarball: new Uint8Array(readFileSync(tarball)).buffer },
      strict: true,
    });
    for (const message of messages)
      problems.push(`publint ${message.type}: ${formatMessage(message, pkg, { color: false })}`);

    try {
      execFileSync(
        join(root, 'node_modules/.bin/attw'),
        [tarball, '--profile', ATTW_PROFILE, '--format', 'ascii', '--no-color'],
        {
          cwd: root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      problems.push(`attw --profile ${ATTW_PROFILE}:`, ...`${stdout}${stderr}`.trim().split('\n'));
    }

    if (problems.length > 0) fail(pack.name, problems);
    else console.log(`✓ ${pack.name}: ${files.size} files as expected; publint and attw (${ATTW_PROFILE}) clean`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

if (failed) {
  console.error('\ncheck-packages: what users would install is not right; see above.');
  process.exitCode = 1;
}
