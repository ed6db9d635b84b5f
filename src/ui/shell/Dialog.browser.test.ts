import { createElement, useState } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, test } from 'vitest';
import { ConfirmDialog } from './ConfirmDialog.tsx';

/** The shared dialog in a real browser: focus in, Escape out, focus back to the opener. */
let root: Root | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  root?.unmount();
  host?.remove();
});

function mount(onConfirm: () => void): { opener: HTMLButtonElement } {
  function Harness() {
    const [open, setOpen] = useState(false);
    return createElement(
      'div',
      null,
      createElement('button', { type: 'button', id: 'opener', onClick: () => setOpen(true) }, 'Delete…'),
      open &&
        createElement(ConfirmDialog, {
          title: 'Delete it?',
          confirmLabel: 'Delete',
          onCancel: () => setOpen(false),
          onConfirm: () => {
            onConfirm();
            setOpen(false);
          },
          children: createElement('p', null, 'It goes for good.'),
        }),
    );
  }
  host = document.body.appendChild(document.createElement('div'));
  root = createRoot(host);
  flushSync(() => root!.render(createElement(Harness)));
  return { opener: host.querySelector<HTMLButtonElement>('#opener')! };
}

const press = (key: string) => document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));

describe('Dialog (native <dialog>, modal)', () => {
  test('opens modal with focus on Cancel; Escape closes it and focus returns to the opener', async () => {
    const { opener } = mount(() => {});
    opener.focus();
    flushSync(() => opener.click());
    const dialog = document.querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(dialog.matches(':modal')).toBe(true);
    expect(dialog.getAttribute('aria-labelledby')).toBe(dialog.querySelector('h2')!.id);
    expect(document.activeElement?.textContent).toBe('Cancel');
    // The browser turns Escape into a cancel event; the dialog hands it to its owner.
    flushSync(() => dialog.dispatchEvent(new Event('cancel', { cancelable: true })));
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  test('the rest of the page is inert while it is open; confirming runs the action', async () => {
    let confirmed = 0;
    const { opener } = mount(() => confirmed++);
    opener.focus();
    flushSync(() => opener.click());
    opener.focus();
    expect(document.activeElement).not.toBe(opener);
    press('Tab');
    const confirm = [...document.querySelectorAll('dialog button')].find((b) => b.textContent === 'Delete') as HTMLButtonElement;
    confirm.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(confirmed).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });
});
