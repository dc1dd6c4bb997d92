"""What the Content-Security-Policy would block, found in a page's HTML before a browser
does: inline script, inline style, event-handler attributes, javascript: URLs, and scripts
or styles from other sites."""

from html.parser import HTMLParser

# Script elements that hold data, not code (django's json_script): CSP does not run them.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction"}


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_code_script = False
        self.elements = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        attrs = dict(attrs)
        where = f"<{tag}{' id=' + attrs['id'] if attrs.get('id') else ''}>"
        if tag == "style":
            self.problems.append(f"{where}: a <style> element")
        for name, value in attrs.items():
            if name == "style":
                self.problems.append(f"{where}: a style= attribute")
            elif name.startswith("on"):
                self.problems.append(f"{where}: an inline event handler {name}=")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{where}: a javascript: URL in {name}=")
        if tag == "script":
            code = (attrs.get("type") or "text/javascript").lower() not in DATA_SCRIPT_TYPES
            self.in_code_script = code
            if code and not attrs.get("src"):
                self.problems.append(f"{where}: an inline <script> (no src)")
        loads = tag == "script" or (tag == "link" and "stylesheet" in (attrs.get("rel") or ""))
        if loads and _foreign(attrs.get("src") or attrs.get("href") or ""):
            self.problems.append(f"{where}: loads from another site")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_code_script = False

    def handle_data(self, data):
        if self.in_code_script and data.strip():
            self.problems.append(f"<script>: an inline body {data.strip()[:40]!r}")


def _foreign(url: str) -> bool:
    return url.startswith(("//", "http://", "https://"))


def csp_problems(html: str) -> list[str]:
    """Everything in `html` that a strict CSP (no 'unsafe-inline', 'self' only) blocks."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    if not finder.elements:
        return ["not an HTML page"]
    return finder.problems
