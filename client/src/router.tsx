/**
 * A small history-API router: the server answers every non-API GET with the app shell, so plain
 * paths work on reload and can be shared as links.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from 'react';

export type Route =
  | { screen: 'signin' }
  | { screen: 'register' }
  | { screen: 'projects' }
  | { screen: 'account' }
  | { screen: 'project'; projectId: string }
  | { screen: 'codebook'; projectId: string }
  | { screen: 'settings'; projectId: string }
  | { screen: 'agreement'; projectId: string }
  | { screen: 'rounds'; projectId: string }
  | { screen: 'reconcile'; projectId: string; documentId: string | null }
  | { screen: 'coding'; projectId: string; documentId: string }
  | { screen: 'not-found' };

export const paths = {
  signin: () => '/signin',
  register: () => '/register',
  projects: () => '/',
  account: () => '/account',
  project: (projectId: string) => `/p/${projectId}`,
  codebook: (projectId: string) => `/p/${projectId}/codebook`,
  settings: (projectId: string) => `/p/${projectId}/settings`,
  agreement: (projectId: string) => `/p/${projectId}/agreement`,
  rounds: (projectId: string) => `/p/${projectId}/rounds`,
  reconcile: (projectId: string, documentId?: string) => `/p/${projectId}/reconcile${documentId ? `/${documentId}` : ''}`,
  coding: (projectId: string, documentId: string) => `/p/${projectId}/d/${documentId}`,
};

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { screen: 'projects' };
  if (parts.length === 1 && parts[0] === 'signin') return { screen: 'signin' };
  if (parts.length === 1 && parts[0] === 'register') return { screen: 'register' };
  if (parts.length === 1 && parts[0] === 'account') return { screen: 'account' };
  if (parts[0] === 'p' && parts.length >= 2) {
    const projectId = parts[1];
    if (parts.length === 2) return { screen: 'project', projectId };
    if (parts.length === 3 && parts[2] === 'codebook') return { screen: 'codebook', projectId };
    if (parts.length === 3 && parts[2] === 'settings') return { screen: 'settings', projectId };
    if (parts.length === 3 && parts[2] === 'agreement') return { screen: 'agreement', projectId };
    if (parts.length === 3 && parts[2] === 'rounds') return { screen: 'rounds', projectId };
    if (parts[2] === 'reconcile' && parts.length <= 4) return { screen: 'reconcile', projectId, documentId: parts[3] ?? null };
    if (parts.length === 4 && parts[2] === 'd') return { screen: 'coding', projectId, documentId: parts[3] };
  }
  return { screen: 'not-found' };
}

const navigationEvent = 'cocode:navigate';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(navigationEvent));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(navigationEvent, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(navigationEvent, update);
    };
  }, []);
  return route;
}

/** An anchor that navigates without a page load (modified clicks still open new tabs). */
export function Link({ href, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
