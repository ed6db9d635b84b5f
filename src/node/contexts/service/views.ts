import type { RunningContext } from '../openContext.ts';
import type { ContextView } from '../view.ts';
import type { AnchorRegistry } from './anchoring.ts';

/** A running context's view as the UI gets it: with its stored refusals and its anchors. */
export async function fullView(anchoring: AnchorRegistry, id: string, ctx: RunningContext): Promise<ContextView> {
  const anchors = anchoring.view(id);
  return { ...ctx.view(), rejected: await ctx.rejections(), ...(anchors ? { anchors } : {}) };
}
