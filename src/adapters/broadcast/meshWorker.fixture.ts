// A mesh in a dedicated worker, for broadcastMesh.browser.test.ts: a "tab" the test can
// kill without it saying bye (worker.terminate()). It echoes every message it receives.
import { openBroadcastMesh } from './broadcastMesh.ts';

addEventListener('message', (event: MessageEvent<{ channelName: string; selfId: string }>) => {
  const { channelName, selfId } = event.data;
  openBroadcastMesh({
    channelName,
    selfId,
    onLink(link, remoteId) {
      link.onMessage((m) => void link.send(m));
      postMessage({ linked: remoteId });
    },
  });
});
