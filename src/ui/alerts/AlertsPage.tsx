/** The alert centre (issue 13, being built). */
export function AlertsPage() {
  return (
    <section className="card" aria-labelledby="alerts-title">
      <h1 id="alerts-title">Alerts</h1>
    </section>
  );
}
