/** How long a download's object URL lives: long enough for the browser to start saving it. */
const URL_LIFETIME_MS = 60_000;

/** Save text as a file through the browser's download (nothing leaves the tab). */
export function downloadFile(file: { filename: string; mimeType: string; text: string }): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), URL_LIFETIME_MS);
}
