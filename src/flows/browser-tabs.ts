import type { ChannelLike } from '../lib/core/tabs/tab-owner';

/** The studio's lock and channel names: every tab of this origin's studio uses the same. */
export const TAB_NAMES = {
  ownerLock: 'capgrad-studio-owner',
  ownerChannel: 'capgrad-studio-owner',
  recordsChannel: 'capgrad-studio-records',
  /** A follower's training requests to the owner (src/lib/core/tabs/work-requests.ts). */
  requestsChannel: 'capgrad-studio-requests',
} as const;

/** A BroadcastChannel as the ChannelLike that src/lib/core/tabs and the record storage take. */
export function broadcastChannel(name: string): ChannelLike & { close(): void } {
  const channel = new BroadcastChannel(name);
  return {
    postMessage: (message) => channel.postMessage(message),
    subscribe: (listener) => {
      const onMessage = (event: MessageEvent<unknown>): void => listener(event.data);
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
    close: () => channel.close(),
  };
}
