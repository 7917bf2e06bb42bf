/** A progress line for an upload: bytes sent, then the server's work until it answers. */
export interface UploadState {
  sentBytes: number;
  totalBytes: number;
}

const sizeFormat = new Intl.NumberFormat(undefined, {
  maximumFractionDigits: 1,
});

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${sizeFormat.format(bytes / 1024)} KB`;
  return `${sizeFormat.format(bytes / 1024 / 1024)} MB`;
}

export function UploadProgress({ state, label }: { state: UploadState; label: string }) {
  const done = state.totalBytes > 0 && state.sentBytes >= state.totalBytes;
  const percent = state.totalBytes > 0 ? Math.round((state.sentBytes / state.totalBytes) * 100) : 0;
  return (
    <div className="upload-progress" aria-busy="true">
      <progress max={100} value={done ? undefined : percent} aria-label={label} />
      <span className="muted small">
        {done
          ? 'Sent; the server is reading it…'
          : state.totalBytes > 0
            ? `Sending ${formatBytes(state.sentBytes)} of ${formatBytes(state.totalBytes)}`
            : 'Sending…'}
      </span>
    </div>
  );
}
