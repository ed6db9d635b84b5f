/** The admin dashboard: every context's health and plots (issue 13, being built). */
export function DashboardPage() {
  return (
    <section className="card" aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
    </section>
  );
}
