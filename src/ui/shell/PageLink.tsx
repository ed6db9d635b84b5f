import type { ReactNode } from 'react';
import { navigate, pathOf, type Route } from './router.ts';

/** A link to one of the app's pages, followed without a reload. */
export function PageLink({ to, children }: { to: Route; children: ReactNode }) {
  return (
    <a
      href={pathOf(to)}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
