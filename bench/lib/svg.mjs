// A small SVG bar chart of a run (no chart library): one panel per load,
// one bar per subject, scaled to the panel's best value; the machine and
// the date in the title.
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const COLORS = { native: '#555555', own: '#4c78a8', rawsock: '#f58518', emscripten: '#b279a2', blocking: '#72b7b2' };

function fmt(v) {
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  return v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** panels: [{ title, unit, bars: [{ label, kind, value }] }] */
export function chart({ title, subtitle, panels }) {
  const W = 960, labelW = 300, barW = W - labelW - 110, barH = 16, gap = 4, head = 64;
  let y = head;
  const parts = [];
  for (const p of panels) {
    parts.push(`<text x="10" y="${y + 14}" font-weight="bold">${esc(p.title)} (${esc(p.unit)}, higher is better)</text>`);
    y += 22;
    const max = Math.max(...p.bars.map((b) => b.value ?? 0), 1e-9);
    for (const b of p.bars) {
      parts.push(`<text x="${labelW - 8}" y="${y + barH - 4}" text-anchor="end">${esc(b.label)}</text>`);
      if (b.value === undefined) {
        parts.push(`<text x="${labelW + 4}" y="${y + barH - 4}" fill="#888">${esc(b.note ?? 'not measured')}</text>`);
      } else {
        const w = Math.max(1, Math.round((b.value / max) * barW));
        parts.push(`<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" fill="${COLORS[b.kind] ?? '#999'}"/>`);
        parts.push(`<text x="${labelW + w + 4}" y="${y + barH - 4}">${esc(fmt(b.value))}</text>`);
      }
      y += barH + gap;
    }
    y += 12;
  }
  const legend = Object.entries(COLORS)
    .map(([k, c], i) => `<rect x="${10 + i * 130}" y="${y}" width="12" height="12" fill="${c}"/><text x="${26 + i * 130}" y="${y + 11}">${k === 'own' ? 'own API' : k === 'emscripten' ? 'NODERAWSOCKETS' : k}</text>`)
    .join('');
  y += 24;
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
