import type { RunningContext } from '../openContext.ts';
import type { AlertsView, ContextView } from '../view.ts';
import type { AnchorRegistry } from './anchoring.ts';

/** A running context's view as the UI gets it: with its stored refusals and its anchors. */
export async function fullView(anchoring: AnchorRegistry, id: string, ctx: RunningContext): Promise<ContextView> {
  const anchors = anchoring.view(id);
  return { ...ctx.view(), rejected: await ctx.rejections(), ...(anchors ? { anchors } : {}) };
}

/** What the alerts service reads of a running context, with its stored refusals. */
export async function alertsView(ctx: RunningContext): Promise<AlertsView> {
  return { ...ctx.alertsView(), rejected: await ctx.rejections() };
}
