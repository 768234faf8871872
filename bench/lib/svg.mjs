// A small SVG bar chart of a run (no chart library): one panel per load in
// a two-column grid, one bar per subject, scaled to the panel's largest
// value; the machine and the date in the title.
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const COLORS = { native: '#555555', own: '#4c78a8', rawsock: '#f58518', emscripten: '#b279a2', blocking: '#72b7b2' };
const LEGEND = { native: 'native C', own: "runtime's own API", rawsock: 'rawsock', emscripten: 'emcc -sNODERAWSOCKETS', blocking: 'rawsock blocking' };

function fmt(v) {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return a >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** panels: [{ title, unit, bars: [{ label, kind, value }] }] */
export function chart({ title, subtitle, panels }) {
  const colW = 600, labelW = 230, barW = colW - labelW - 70, barH = 14, gap = 3, head = 60;
  const panelH = (p) => 22 + p.bars.length * (barH + gap) + 14;
  const parts = [];
  let y = head;
  for (let i = 0; i < panels.length; i += 2) {
    const row = panels.slice(i, i + 2);
    row.forEach((p, col) => {
      const x0 = col * colW;
      let py = y;
      parts.push(`<text x="${x0 + 10}" y="${py + 14}" font-weight="bold">${esc(p.title)}</text><text x="${x0 + colW - 10}" y="${py + 14}" text-anchor="end" fill="#555">${esc(p.unit)}</text>`);
      py += 22;
      const max = Math.max(...p.bars.map((b) => b.value ?? 0), 1e-9);
      for (const b of p.bars) {
        parts.push(`<text x="${x0 + labelW - 6}" y="${py + barH - 3}" text-anchor="end">${esc(b.label)}</text>`);
        if (b.value === undefined) {
          parts.push(`<text x="${x0 + labelW + 4}" y="${py + barH - 3}" fill="#888">not measured</text>`);
        } else {
          const w = Math.max(1, Math.round((Math.max(0, b.value) / max) * barW));
          parts.push(`<rect x="${x0 + labelW}" y="${py}" width="${w}" height="${barH}" fill="${COLORS[b.kind] ?? '#999'}"/>`);
          parts.push(`<text x="${x0 + labelW + w + 4}" y="${py + barH - 3}">${esc(fmt(b.value))}</text>`);
        }
        py += barH + gap;
      }
    });
    y += Math.max(...row.map(panelH));
  }
  const legend = Object.entries(COLORS)
    .map(([k, c], i) => `<rect x="${10 + i * 200}" y="${y}" width="12" height="12" fill="${c}"/><text x="${26 + i * 200}" y="${y + 11}">${esc(LEGEND[k])}</text>`)
    .join('');
  y += 24;
  const W = colW * 2;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="16" font-weight="bold">${esc(title)}</text>`,
    `<text x="10" y="42" fill="#444">${esc(subtitle)}</text>`,
    ...parts,
    legend,
    '</svg>',
    '',
  ].join('\n');
}
