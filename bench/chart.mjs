// A small SVG line chart for the growth curves: log-scaled x axis (sizes grow by powers), linear
// y axis from zero, one polyline per series. Enough for a report; no plotting library needed
// for four charts of a handful of points each.

const WIDTH = 640;
const HEIGHT = 360;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 50 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/**
 * Renders an SVG chart.
 * @param {{ title: string, xLabel: string, yLabel: string,
 *   series: { name: string, points: [number, number][] }[],
 *   formatX?: (x: number) => string }} spec
 * @returns {string} the SVG document
 */
export function lineChart(spec) {
  const all = spec.series.flatMap((s) => s.points);
  const xs = all.map(([x]) => Math.log10(x));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const yMax = niceCeiling(Math.max(...all.map(([, y]) => y)) * 1.1);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (x) => MARGIN.left + ((Math.log10(x) - xMin) / (xMax - xMin || 1)) * plotW;
  const py = (y) => MARGIN.top + plotH - (y / yMax) * plotH;
  const formatX = spec.formatX ?? String;

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">` +
      `${escapeXml(spec.title)}</text>`,
  ];

  for (let i = 0; i <= 4; i++) {
    const y = (yMax / 4) * i;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${py(y)}" y2="${py(y)}" ` +
        `stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${py(y) + 4}" text-anchor="end">${round(y)}</text>`,
    );
  }
  const ticks = [...new Set(all.map(([x]) => x))].sort((a, b) => a - b);
  for (const x of ticks) {
    parts.push(
      `<text x="${px(x)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">` +
        `${escapeXml(formatX(x))}</text>`,
    );
  }
  parts.push(
    `<text x="${WIDTH / 2}" y="${HEIGHT - 10}" text-anchor="middle">` +
      `${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(16 ${HEIGHT / 2}) rotate(-90)" text-anchor="middle">` +
      `${escapeXml(spec.yLabel)}</text>`,
  );

  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>`);
    for (const [x, y] of s.points) {
      parts.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`,
      );
    }
    parts.push(
      `<text x="${MARGIN.left + 10}" y="${MARGIN.top + 14 * (i + 1)}" fill="${color}">` +
        `${escapeXml(s.name)}</text>`,
    );
  });

  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceCeiling(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

function round(value) {
  return value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(3);
}

function escapeXml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
