import { lazy, Suspense, useId } from 'react';
import type { ContextHealth } from '../../node/index.ts';
import { PALETTE, PLOTS, plotData, plotSummary, valueText, type PlotSpec } from './plotSpecs.ts';

// uPlot (and its stylesheet) load only when the dashboard draws a plot.
const UplotChart = lazy(() => import('./UplotChart.tsx'));

function HealthPlot({ spec, contexts }: { spec: PlotSpec; contexts: readonly ContextHealth[] }) {
  const captionId = useId();
  const plot = plotData(contexts, spec.field);
  const summary = plotSummary(spec, plot);
  return (
    <figure className="plot" data-testid={`plot-${spec.field}`} data-points={plot.points} aria-labelledby={captionId}>
      <figcaption id={captionId}>
        <strong>{spec.title}</strong> <span className="muted small">({spec.unit})</span>
        <ul className="plot-legend" data-testid="plot-latest">
          {plot.names.map((name, i) => (
            <li key={`${i}-${name}`}>
              <span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} aria-hidden="true" />
              {name}: <span className="value">{valueText(plot.latest[i]!, spec.unit, spec.unitOne)}</span>
            </li>
          ))}
          {plot.omitted > 0 && <li className="muted">and {plot.omitted} more contexts not drawn</li>}
        </ul>
      </figcaption>
      <div role="img" aria-label={summary}>
        {plot.points === 0 ?
          <p className="muted small">No samples yet: the first comes within a few seconds.</p>
        : <Suspense fallback={<p className="muted small">Loading the plot…</p>}>
            <UplotChart plot={plot} unit={spec.unit} />
          </Suspense>
        }
      </div>
      <p className="muted small">{spec.about}</p>
    </figure>
  );
}

/** Ops/s, propagation latency, peers and refusals over the last hour, one line per context. */
export function HealthPlots({ contexts }: { contexts: readonly ContextHealth[] }) {
  return (
    <section className="card" aria-labelledby="plots-title">
      <h2 id="plots-title">Last hour</h2>
      <div className="plots">
        {PLOTS.map((spec) => (
          <HealthPlot key={spec.field} spec={spec} contexts={contexts} />
        ))}
      </div>
    </section>
  );
}
