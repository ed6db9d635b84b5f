import { useEffect, useState } from 'react';

/** The app's pages. Paths are real URLs (the server falls back to index.html). */
export type Route =
  | { page: 'contexts' }
  | { page: 'context'; id: string }
  | { page: 'join' }
  | { page: 'identity' }
  | { page: 'console' }
  | { page: 'dashboard' }
  | { page: 'alerts' }
  | { page: 'settings' };

export function parseRoute(path: string): Route {
  if (path === '/settings') return { page: 'settings' };
  if (path === '/identity') return { page: 'identity' };
  if (path === '/console') return { page: 'console' };
  if (path === '/dashboard') return { page: 'dashboard' };
  if (path === '/alerts') return { page: 'alerts' };
  if (path === '/join') return { page: 'join' };
  const m = /^\/contexts\/([0-9a-f]{64})$/.exec(path);
  if (m) return { page: 'context', id: m[1]! };
  return { page: 'contexts' };
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'contexts':
      return '/';
    case 'context':
      return `/contexts/${route.id}`;
    default:
      return `/${route.page}`;
  }
}

export function navigate(to: Route | string): void {
  const path = typeof to === 'string' ? to : pathOf(to);
  if (location.pathname + location.hash !== path) history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return route;
}
