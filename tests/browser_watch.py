"""A page watched from its first load in real Chromium: every dialog and every request it makes, and every
element that markdown or HTML could have made out of text from a file or a link. Shared by the browser tests
of hostile files and hostile links."""

from __future__ import annotations

from urllib.parse import urlparse

from tests.conftest import wait_until_idle, wait_until_main_page_ready

# Every element that markdown or HTML could make out of a file's names or a link's values, searched in the page,
# its shadow roots (the live views) and its same-origin frames.
MADE_FROM_MARKUP = """
() => {
  const roots = [document], els = [];
  while (roots.length) {
    const r = roots.pop();
    for (const el of r.querySelectorAll('*')) {
      els.push(el);
      if (el.shadowRoot) roots.push(el.shadowRoot);
      if (el.tagName === 'IFRAME') { try { if (el.contentDocument) roots.push(el.contentDocument); } catch (e) {} }
    }
  }
  const text = (el) => (el.textContent || '').trim();
  const found = [];
  for (const el of els) {
    const tag = el.tagName.toLowerCase();
    const src = el.getAttribute('src') || '';
    if (tag === 'img' && (src === 'x' || src.includes('example.invalid'))) found.push('img ' + src);
    if (el.hasAttribute('onerror')) found.push('onerror on ' + tag);
    if (tag === 'script' && text(el).includes('alert(1)')) found.push('script');
    if (tag === 'a' && /^\\s*javascript:/i.test(el.getAttribute('href') || '')) found.push('javascript: link');
    if (tag === 'a' && (el.getAttribute('href') || '').includes('example.invalid')) found.push('link ' + text(el));
    if (['strong', 'b', 'em', 'i'].includes(tag) && ['bold', 'b', 'yes'].includes(text(el))) {
      found.push(tag + ' ' + text(el));
    }
    // A formula typeset from a file's \\LaTeX or a link's \\rule (the About and Learn pages have their own).
    if (tag === 'annotation' && /\\\\(LaTeX|rule)/.test(text(el))) found.push('formula ' + text(el));
    if (el.dataset.testid === 'stIconMaterial' && text(el) === 'home') found.push('material icon');
  }
  return found;
}
"""
ALL_TEXT = """
() => {
  const roots = [document], parts = [document.body.innerText];
  while (roots.length) {
    const r = roots.pop();
    for (const el of r.querySelectorAll('*')) {
      if (el.shadowRoot) { roots.push(el.shadowRoot); parts.push(el.shadowRoot.textContent); }
    }
  }
  return parts.join('\\n').replaceAll('\\u2060', '');  // without ui.text's invisible word joiners
}
"""


class Watched:
    """A page with every dialog and every request it makes recorded from its first load."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.dialogs, self.requests = [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(url, wait_until="domcontentloaded")
        if urlparse(url).path in ("", "/"):
            wait_until_main_page_ready(self.page)
        wait_until_idle(self.page)

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests
                if not (u.startswith(("data:", "blob:")) or urlparse(u).hostname in ("127.0.0.1", "localhost"))]

    def assert_clean(self) -> None:
        """No exception box, no element made from a file's markup, no dialog, no request leaving the machine."""
        assert self.page.locator("[data-testid=stException]").count() == 0
        assert self.page.evaluate(MADE_FROM_MARKUP) == []
        assert self.dialogs == []
        assert self.outside_requests() == []
