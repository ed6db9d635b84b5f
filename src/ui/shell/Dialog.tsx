import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * The one modal dialog of the app, on the native `<dialog>` with `showModal()`: the browser
 * makes the rest of the page inert (focus stays inside) and turns Escape into a cancel.
 * On open it focuses the element marked `data-autofocus` (else the first focusable one);
 * on close, whether by Escape, a button or unmounting, focus goes back to the opener.
 */
export function Dialog({ titleId, onClose, children, testId }: { titleId: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useLayoutEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    // Escape: the parent decides (it unmounts us); the browser must not close behind React's back.
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} data-testid={testId}>
      {children}
    </dialog>
  );
}
