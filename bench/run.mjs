// `npm run bench [-- --quick]`: builds, runs every package's benchmark through turbo (one at a
// time, so they do not share the two cores), then the growth curves, and writes BENCHMARKS.md.
// Ratios against references measured in the same run lead every table: absolute numbers on a
// shared machine move from run to run, ratios much less.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineChart } from './chart.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
// Re-renders BENCHMARKS.md from the result files of the last run, without measuring again.
const reportOnly = process.argv.includes('--report-only');
const resultFile = 'bench-results.json';
const crashes = [];

function run(command, args, cwd = root) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
}

const packages = readdirSync(join(root, 'packages')).filter((name) =>
  existsSync(join(root, 'packages', name, 'bench', 'run.mjs')),
);

const growthFile = join(root, 'bench', 'growth-results.json');
if (!reportOnly) {
  for (const name of packages) rmSync(join(root, 'packages', name, resultFile), { force: true });
  if (!run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only']).ok) {
    console.error('bench: the build failed');
    process.exit(1);
  }

  const extra = quick ? ['--quick'] : [];
  const turbo = run('npx', [
    'turbo',
    'run',
    'bench',
    '--concurrency=1',
    '--continue',
    '--',
    '--json',
    resultFile,
    ...extra,
  ]);
  if (!turbo.ok) crashes.push('a package benchmark exited with an error (see its output above)');

  rmSync(growthFile, { force: true });
  if (!run('node', [join(root, 'bench', 'growth.mjs'), '--json', growthFile, ...extra]).ok) {
    crashes.push('the growth curves exited with an error (see the output above)');
  }
}

const reports = [];
for (const name of packages) {
  const file = join(root, 'packages', name, resultFile);
  if (existsSync(file)) reports.push({ pkg: name, ...JSON.parse(readFileSync(file, 'utf8')) });
  else crashes.push(`@oss-media/${name} wrote no results`);
}
const growth = existsSync(growthFile) ? JSON.parse(readFileSync(growthFile, 'utf8')) : null;

writeFileSync(join(root, 'BENCHMARKS.md'), renderReport(reports, growth));
console.log(`bench: wrote BENCHMARKS.md (${reports.length} package benchmarks)`);
if (crashes.length > 0) {
  for (const crash of crashes) console.error(`bench: ${crash}`);
  process.exit(1);
}

function renderReport(benchmarks, curves) {
  const lines = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString()}.`,
    quick
      ? '**Quick mode**: small sizes and few rounds, for a smoke test; the ratios are rough.'
      : 'Full mode: every size named in the targets, several rounds each.',
    '',
    '## Machine and versions',
    '',
    ...machineLines(),
    '',
    'Each table leads with ratios to references measured in the same run, on the same',
    'machine, one benchmark at a time. Median of the rounds; spread is (max - min) / median.',
    '',
  ];

  for (const bench of benchmarks) {
    const packageName = `@oss-media/${bench.pkg}`;
    const title = bench.name === packageName ? packageName : `${bench.name} (\`${packageName}\`)`;
    lines.push(`## ${title}`, '');
    lines.push('| case | ratio to reference | target | result | median | spread |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const row of bench.rows ?? []) {
      const ratios = Object.entries(row.ratios ?? {})
        .map(([ref, value]) => `${Number(value).toFixed(2)}× ${ref}`)
        .join('<br>');
      const judged = row.pass !== undefined && row.pass !== null;
      const informative = ['reference', 'information'].includes(String(row.target ?? ''));
      const result = !judged || informative ? '–' : row.pass ? 'PASS' : 'FAIL';
      lines.push(
        `| ${row.case} | ${ratios || '–'} | ${row.target ?? '–'} | ${result} | ` +
          `${formatNumber(row.median)} ${row.unit ?? ''} | ${formatSpread(row.spread)} |`,
      );
    }
    if (bench.notes) lines.push('', bench.notes);
    lines.push('');
  }

  if (curves) lines.push(...renderGrowth(curves));
  else lines.push('## Growth curves', '', 'Not measured: the growth script did not finish.', '');
  return `${lines.join('\n')}\n`;
}

function renderGrowth(curves) {
  const chartDir = join(root, 'bench', 'charts');
  mkdirSync(chartDir, { recursive: true });
  const lines = ['## Growth curves', ''];
  for (const curve of curves.curves) {
    const file = `${curve.id}.svg`;
    const svg = lineChart({
      title: curve.title,
      xLabel: curve.xLabel,
      yLabel: curve.yLabel,
      formatX: curve.xUnit === 'bytes' ? formatBytes : formatCount,
      series: curve.series,
    });
    writeFileSync(join(chartDir, file), svg);
    lines.push(
      `### ${curve.title}`,
      '',
      `Target: ${curve.target} — **${curve.pass ? 'PASS' : 'FAIL'}**`,
    );
    if (curve.verdict) lines.push('', curve.verdict);
    lines.push('', `![${curve.title}](bench/charts/${file})`, '');
    const header = [curve.xLabel, ...curve.series.map((s) => `${s.name}: ${curve.yLabel}`)];
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    const xs = [...new Set(curve.series.flatMap((s) => s.points.map(([x]) => x)))].sort(
      (a, b) => a - b,
    );
    for (const x of xs) {
      const cells = curve.series.map((s) => {
        const point = s.points.find(([px]) => px === x);
        return point ? formatNumber(point[1]) : '–';
      });
      const label = curve.xUnit === 'bytes' ? formatBytes(x) : formatCount(x);
      lines.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines;
}

function machineLines() {
  const cpus = os.cpus();
  const version = (name) => {
    for (const base of [
      root,
      join(root, 'packages', 'mock-oss'),
      join(root, 'packages', 'oss-sign'),
    ]) {
      const file = join(base, 'node_modules', name, 'package.json');
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).version;
    }
    return 'not installed';
  };
  return [
    `- ${os.type()} ${os.release()} ${os.arch()}, ` +
      `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}`,
    `- memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    `- references: ali-oss ${version('ali-oss')}, crc64-ecma182 ${version('crc64-ecma182')}, ` +
      `undici ${version('undici')}, @noble/hashes ${version('@noble/hashes')}`,
  ];
}

function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value ?? '–');
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

function formatSpread(spread) {
  return typeof spread === 'number' ? `${(spread * 100).toFixed(0)} %` : '–';
}

function formatBytes(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

function formatCount(count) {
  const exponent = Math.log10(count);
  return Number.isInteger(exponent) && count >= 1000 ? `10^${exponent}` : String(count);
}
