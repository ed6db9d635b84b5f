import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** A QR code of `text` as SVG squares (no canvas, no network). */
export function QrCode({ text, size = 200, label }: { text: string; size?: number; label: string }) {
  const { count, cells } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    const n = qr.getModuleCount();
    const dark: [number, number][] = [];
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) dark.push([c, r]);
    return { count: n, cells: dark };
  }, [text]);
  const margin = 2;
  const path = cells.map(([x, y]) => `M${x + margin} ${y + margin}h1v1h-1z`).join('');
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${count + 2 * margin} ${count + 2 * margin}`} className="qr" shapeRendering="crispEdges">
      <rect width="100%" height="100%" fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
