// One search keystroke on the IP screen, timed in the page: shared by the bench (run.js) and
// the A/B of two builds (ab-keystrokes.js), so both measure the same thing.
'use strict';

// Five searches: many matches, fewer, part of a page, and an IPv6 one.
const QUERIES = ['h1', 'h12', 'h123', 'h1234', 'ffff::1'];

// The search box changes; done when the caption shows the result. `build`: to the DOM changed;
// `work`: to the DOM updated and laid out (layout forced), free of where the next frame happens
// to fall; `frame`: to the next frame. `shape`: the rows just built, as data (tag, attributes,
// text; not the framework's empty comment markers), for plain code to build the very same
// markup. The rDNS badges of new rows arrive later, with their DNS answers, and are not counted.
function timeKeystroke(page, q) {
  return page.evaluate((q) => new Promise((resolve) => {
    const input = document.getElementById('ip-search');
    const before = document.querySelector('table.ips caption, p.empty')?.textContent;
    const t0 = performance.now();
    const obs = new MutationObserver(() => {
      const now = document.querySelector('table.ips caption, p.empty')?.textContent;
      if (now === before) return;
      // The render is one run of microtasks: this callback comes at its end.
      obs.disconnect();
      const build = performance.now() - t0;
      document.querySelector('main').getBoundingClientRect();
      const work = performance.now() - t0;
      const shape = [...document.querySelectorAll('table.ips tbody tr')].map(function describe(n) {
        if (n.nodeType === Node.TEXT_NODE) return n.data;
        return { tag: n.localName, attrs: [...n.attributes].map((a) => [a.name, a.value]),
          kids: [...n.childNodes].filter((c) => c.nodeType !== Node.COMMENT_NODE).map((c) => describe(c)) };
      });
      requestAnimationFrame(() => resolve({ work, build, frame: performance.now() - t0, shape }));
    });
    obs.observe(document.querySelector('main'), { childList: true, subtree: true, characterData: true });
    input.value = q;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }), q);
}

module.exports = { QUERIES, timeKeystroke };
