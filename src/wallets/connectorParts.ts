/*
 * Parts every connector needs: a time bound on a wallet's answer, an icon that is safe to
 * show, and sessions that end at disconnect (accounts handed out before refuse to sign).
 */
import { WalletUnavailableError } from './connector.ts';

/** `work`, or `onTimeout()` after `ms`; a late rejection of `work` is absorbed. */
export function deadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error = () => new Error('timed out')): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Only data: image icons are shown: an announced `javascript:` URL must never reach an
 * <img>, and a remote one would tell its host who opens the app (the served policy's
 * img-src allows data: and the app's own origin only; EIP-6963 requires data: anyway).
 */
export function safeIcon(icon: unknown): string | undefined {
  return typeof icon === 'string' && /^data:image\//i.test(icon) ? icon : undefined;
}

/** Each connect opens a session; disconnect ends it. */
export function sessions(wallet: string) {
  let current = 0;
  return {
    /** A new session; the returned check throws once it has ended. */
    open(): () => void {
      const mine = ++current;
      return () => {
        if (mine !== current) throw new WalletUnavailableError(`${wallet} was disconnected: connect it again to sign`);
      };
    },
    end(): void {
      current++;
    },
  };
}
