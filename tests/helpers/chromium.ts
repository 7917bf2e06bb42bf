/** Debian's Chromium and the flags it needs on these machines (shared by browser tests and bench:ui). */
export const chromiumPath = '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling hosts a closed network refuses.
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
