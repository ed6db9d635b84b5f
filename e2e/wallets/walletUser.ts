/*
 * The scripted person behind a test wallet, shared by the wallet doubles: they approve a
 * site once (or decline, when told to), and the test can see what was asked of them.
 */
import type { BrowserContext } from 'playwright-core';

/** What a test sees of the person behind its wallet. */
export interface WalletUserView {
  /** Every method the page called, in order. */
  requests: string[];
  /** How many times the wallet asked its user to approve a connection. */
  readonly prompts: number;
  /** Whether the site currently holds the account permission. */
  readonly authorized: boolean;
  /** From now on the user declines (or stops declining) every prompt. */
  setReject(reject: boolean): void;
}

export interface WalletUser extends WalletUserView {
  readonly rejecting: boolean;
  /** The site asks for the account: the user is prompted once; false if they decline. */
  grant(): boolean;
  revoke(): void;
}

export function walletUser(reject = false): WalletUser {
  let authorized = false;
  let prompts = 0;
  return {
    requests: [],
    get prompts() {
      return prompts;
    },
    get authorized() {
      return authorized;
    },
    get rejecting() {
      return reject;
    },
    setReject(value) {
      reject = value;
    },
    grant() {
      if (authorized) return true;
      prompts++;
      if (reject) return false;
      authorized = true;
      return true;
    },
    revoke() {
      authorized = false;
    },
  };
}

/** `fields` plus the live view of `user` (its getters stay live). */
export function withUser<T extends object>(user: WalletUser, fields: T): T & WalletUserView {
  const view: WalletUserView = {
    requests: user.requests,
    get prompts() {
      return user.prompts;
    },
    get authorized() {
      return user.authorized;
    },
    setReject: (reject) => user.setReject(reject),
  };
  return Object.assign(view, fields);
}

/** A request handler that records each call and answers a throw with `failed`. */
export function recorded<Call, Answer>(
  user: WalletUser,
  method: (call: Call) => string,
  answer: (call: Call) => Answer | Promise<Answer>,
  failed: (call: Call, err: unknown) => Answer,
): (call: Call) => Promise<Answer> {
  return async (call) => {
    user.requests.push(method(call));
    try {
      return await answer(call);
    } catch (err) {
      return failed(call, err);
    }
  };
}

/**
 * Install a page shim in every page of `context` (present and future): `shim(setup)` runs in
 * the page and reaches `handle`, in this Node process with the key, through a binding.
 */
export async function installWithBinding<Setup extends { binding?: string }, Call, Answer>(
  context: BrowserContext,
  binding: string,
  shim: (setup: Setup) => unknown,
  setup: Setup,
  handle: (call: Call) => Promise<Answer>,
): Promise<void> {
  setup.binding = binding;
  await context.exposeBinding(binding, (_source, call: Call) => handle(call));
  await context.addInitScript({ content: `(${shim.toString()})(${JSON.stringify(setup)});` });
}
