/** Saving bytes the panel holds (a build context, a manifest) as a browser download. */

/** Hands the bytes to the browser's downloads, under the given name. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Some browsers read the URL after click() returns: free it a little later.
  window.setTimeout(() => URL.revokeObjectURL(url), 30 * 1000);
}
