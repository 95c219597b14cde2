// Every screen of the app, its address, who may see it and the chunk that draws it.
import type { ComponentType } from 'preact';

export interface RouteProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface RouteDef {
  pattern: string;
  /** `signed-in`: sends others to the login page; `signed-out`: sends signed-in people home. */
  who: 'anyone' | 'signed-in' | 'signed-out';
  load: () => Promise<{ default: ComponentType<RouteProps> }>;
}

export const routes: RouteDef[] = [
  { pattern: '/', who: 'anyone', load: () => import('./features/home/home-page.js') },
  { pattern: '/login', who: 'signed-out', load: () => import('./features/account/login-page.js') },
  { pattern: '/signup', who: 'signed-out', load: () => import('./features/account/signup-page.js') },
  { pattern: '/activate/:uid/:token', who: 'anyone', load: () => import('./features/account/activate-page.js') },
  { pattern: '/password/reset', who: 'anyone', load: () => import('./features/account/reset-request-page.js') },
  { pattern: '/password/reset/confirm/:uid/:token', who: 'anyone', load: () => import('./features/account/reset-confirm-page.js') },
  { pattern: '/settings', who: 'signed-in', load: () => import('./features/account/settings-page.js') },
  { pattern: '/discover', who: 'anyone', load: () => import('./features/discover/discover-page.js') },
  { pattern: '/clubs/new', who: 'signed-in', load: () => import('./features/club/new-club-page.js') },
  { pattern: '/clubs/:clubId/:tab?', who: 'signed-in', load: () => import('./features/club/club-page.js') },
  { pattern: '/photos', who: 'signed-in', load: () => import('./features/photos/photos-page.js') },
  { pattern: '/photos/:projectId', who: 'signed-in', load: () => import('./features/photos/project-page.js') },
  { pattern: '/meetings/:meetingId', who: 'signed-in', load: () => import('./features/meeting/meeting-page.js') },
];
