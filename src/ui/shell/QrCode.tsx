import { useEffect, useState } from 'react';

/** The dark cells of `text`'s QR code. The encoder is loaded on demand: few pages show one. */
async function qrCells(text: string): Promise<{ count: number; cells: [number, number][] }> {
  const { default: qrcode } = await import('qrcode-generator');
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const count = qr.getModuleCount();
  const cells: [number, number][] = [];
  for (let r = 0; r < count; r++) for (let c = 0; c < count; c++) if (qr.isDark(r, c)) cells.push([c, r]);
  return { count, cells };
}

/** A QR code of `text` as SVG squares (no canvas, no network). */
export function QrCode({ text, size = 200, label }: { text: string; size?: number; label: string }) {
  const [code, setCode] = useState<{ text: string; count: number; cells: [number, number][] }>();
  useEffect(() => {
    let live = true;
    void qrCells(text).then((c) => live && setCode({ text, ...c }));
    return () => {
      live = false;
    };
  }, [text]);
  const margin = 2;
  if (!code || code.text !== text) return <svg role="img" aria-label={`${label} (drawing…)`} width={size} height={size} className="qr" />;
  const path = code.cells.map(([x, y]) => `M${x + margin} ${y + margin}h1v1h-1z`).join('');
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${code.count + 2 * margin} ${code.count + 2 * margin}`} className="qr" shapeRendering="crispEdges">
      <rect width="100%" height="100%" fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
