/**
 * The context page's code, split from the first load. Loaded when a context is first opened,
 * or ahead of time where it is the next page (an invite's join page): a joiner's catch-up
 * starts on the click, and a page still loading its code would miss its progress bar.
 */
export const loadContextPage = () => import('./ContextPage.tsx');
