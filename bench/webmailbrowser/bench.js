// Installed into every document of the benchmark's browser context (BrowserContext.AddInitScript), before the page's
// own scripts. Every time is measured inside the page with performance.now(), polled once per animation frame, so a
// figure is "until the frame that shows it" and carries no Playwright round trip.
(() => {
  const list = () => document.querySelector('[data-testid=message-list]');
  const total = () => { const l = list(); return l ? Number(l.getAttribute('data-total')) : -1; };

  // The list's rows that intersect its visible box (Virtualize keeps only a window of rows, plus placeholders).
  const visibleRows = () => {
    const l = list();
    if (!l) return [];
    const box = l.getBoundingClientRect();
    return [...l.querySelectorAll('.row')].filter(e => {
      const r = e.getBoundingClientRect();
      return r.height > 0 && r.bottom > box.top && r.top < box.bottom;
    });
  };
  // True when the visible box shows rows only (no placeholder still loading) and one of them has a 1-based
  // position (aria-rowindex) in [lo, hi].
  const windowRendered = (lo, hi) => {
    const rows = visibleRows();
    if (rows.length === 0 || rows.some(e => !e.hasAttribute('data-uid'))) return false;
    return rows.some(e => { const i = Number(e.getAttribute('aria-rowindex')); return i >= lo && i <= hi; });
  };
  const frames = (condition, timeoutMs, what) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      let ok = false;
      try { ok = condition(); } catch { ok = false; }
      if (ok) resolve(performance.now());
      else if (performance.now() - t0 > timeoutMs) reject(new Error(what + ' not rendered within ' + timeoutMs + ' ms'));
      else requestAnimationFrame(tick);
    };
    tick();
  });

  // Marks of this document, in ms since its navigation started (performance.timeOrigin: for the sign-in POST that
  // redirects to /mail, the POST's start): first rows on screen (the server-side prerender), and the interactive list
  // (circuit up, Virtualize's own rows for the top of the folder on screen).
  const marks = { firstRows: null, interactive: null };
  const watch = () => {
    if (marks.firstRows === null && visibleRows().some(e => e.hasAttribute('data-uid'))) marks.firstRows = performance.now();
    if (marks.interactive === null && document.querySelector('.shell[data-interactive=true]') && total() > 0
        && windowRendered(1, 1)) marks.interactive = performance.now();
    if ((marks.firstRows === null || marks.interactive === null) && performance.now() < 600000) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);

  window.__bench = {
    total,
    // Both marks, with the document's own request timing (Navigation Timing: request start to first response byte).
    marks: () => {
      if (marks.firstRows === null || marks.interactive === null) return null;
      const n = performance.getEntriesByType('navigation')[0];
      return { firstRows: marks.firstRows, interactive: marks.interactive, ttfb: n.responseStart - n.requestStart,
               redirect: n.redirectEnd - n.redirectStart, path: location.pathname + location.search };
    },
    // The list is interactive and its visible box fully rendered (after a back navigation inside the circuit).
    listReady: () => document.querySelector('.shell[data-interactive=true]') !== null && total() > 0
      && visibleRows().length > 0 && visibleRows().every(e => e.hasAttribute('data-uid')),
    // Scrolls the list to the middle or the end; ms until the rows there are on screen.
    scroll: async (where, timeoutMs) => {
      const l = list();
      const n = total();
      const t0 = performance.now();
      const lo = where === 'end' ? n : Math.floor(n * 0.45);
      const hi = where === 'end' ? n : Math.ceil(n * 0.55);
      l.scrollTop = where === 'end' ? l.scrollHeight : l.scrollHeight / 2;
      const t1 = await frames(() => {
        // Virtualize may grow or shrink its spacers once real rows arrive: keep the end in view, as a user would.
        if (where === 'end' && l.scrollTop + l.clientHeight < l.scrollHeight - 2) l.scrollTop = l.scrollHeight;
        return windowRendered(lo, hi);
      }, timeoutMs, 'scroll to the ' + where);
      return t1 - t0;
    },
    // Clicks the middle visible row's link (client-side navigation in the circuit); ms until the reading pane shows its body.
    open: async (timeoutMs) => {
      // Virtualize may still swap the window's rows for placeholders after a scroll: pick a row once one is there.
      await frames(() => visibleRows().some(e => e.hasAttribute('data-uid')), timeoutMs, 'a row to open');
      const rows = visibleRows().filter(e => e.hasAttribute('data-uid'));
      const link = rows[Math.floor(rows.length / 2)].querySelector('a.message');
      const t0 = performance.now();
      link.click();
      const t1 = await frames(() => {
        const text = document.querySelector('[data-testid=message-view] [data-testid=message-text]');
        return text !== null && text.textContent.trim().length > 0;
      }, timeoutMs, 'the message body');
      return t1 - t0;
    },
    // Types the word into the folder search and presses Enter; ms until the visible rows are all hits.
    search: async (word, timeoutMs) => {
      const input = document.querySelector('[data-testid=search-input]');
      const t0 = performance.now();
      input.value = word;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true }));
      const needle = word.toLowerCase();
      const t1 = await frames(() => {
        if (!location.search.includes('q=') || total() <= 0) return false;
        const rows = visibleRows();
        return rows.length > 0 && rows.every(e => e.hasAttribute('data-uid')
          && e.querySelector('.subject').textContent.toLowerCase().includes(needle));
      }, timeoutMs, 'the search results');
      return t1 - t0;
    },
  };
})();
