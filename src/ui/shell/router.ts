import { useEffect, useState } from 'react';

/** The app's pages. Paths are real URLs (the server falls back to index.html). */
export type Route = '/' | '/settings';

const ROUTES: Route[] = ['/', '/settings'];

function current(): Route {
  const path = location.pathname as Route;
  return ROUTES.includes(path) ? path : '/';
}

export function navigate(to: Route): void {
  if (location.pathname !== to) history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onPop = () => setRoute(current());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return route;
}
