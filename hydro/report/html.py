"""HTML building blocks of the report: the style sheet, escaping, number formats, tables,
figures and key-figure cards.  Everything is inline: the page loads nothing.
"""

from __future__ import annotations

import math
from html import escape

from hydro.report.figures import Figure
from hydro.report.tables import ReportTable

#: Content-Security-Policy of the page: nothing may load but inline styles and data: images,
#: so a reference to anything outside the file is blocked (and reported) by the browser.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

#: Closures below this are "round-off" (shown in green).
ROUND_OFF = 1e-9

CSS = """
:root { --ink:#1c2733; --muted:#5a6877; --line:#dde3ea; --bg:#f3f5f8; --head:#0b3d5c;
        --accent:#0b5c8a; --soft:#e8f1f8; --ok:#1b7a3a; --bad:#b42318; }
* { box-sizing:border-box; }
html { font-size:15px; -webkit-text-size-adjust:100%; }
body { margin:0; color:var(--ink); background:var(--bg); line-height:1.55;
       font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Helvetica Neue",Arial,
                   "Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif; }
.wrap { max-width:1120px; margin:0 auto; padding:0 28px; }
.masthead { background:linear-gradient(120deg,#0a3350 0%,#0b5c8a 100%); color:#fff; padding:30px 0 26px; }
.masthead .kicker { margin:0; font-size:.78rem; letter-spacing:.14em; text-transform:uppercase; opacity:.8; }
.masthead h1 { margin:.25rem 0 .35rem; font-size:2rem; font-weight:650; letter-spacing:-.01em; }
.masthead .sub { margin:0; font-size:1rem; opacity:.92; }
.masthead .sub span + span::before { content:"·"; margin:0 .6em; opacity:.7; }
nav.toc { background:#fff; border-bottom:1px solid var(--line); position:sticky; top:0; z-index:5; }
nav.toc ol { display:flex; flex-wrap:wrap; gap:4px 22px; list-style:none; margin:0 auto;
             padding:10px 28px; max-width:1120px; counter-reset:toc; }
nav.toc li { counter-increment:toc; font-size:.9rem; }
nav.toc li::before { content:counter(toc) "."; color:var(--muted); margin-right:.35em; }
nav.toc a { color:var(--accent); text-decoration:none; }
nav.toc a:hover { text-decoration:underline; }
main { padding:6px 0 10px; counter-reset:sec; }
section.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:22px 28px 14px;
               margin:22px 0; box-shadow:0 1px 3px rgba(16,24,40,.05); }
section.card > h2 { counter-increment:sec; margin:0 0 .3rem; font-size:1.35rem; color:var(--head); }
section.card > h2::before { content:counter(sec) ". "; color:var(--muted); font-weight:500; }
h3 { font-size:1.05rem; margin:1.5rem 0 .35rem; color:var(--ink); }
p.lead { color:var(--muted); margin:.15rem 0 1rem; max-width:82ch; }
p { max-width:82ch; }
.tablewrap { overflow-x:auto; margin:.3rem 0 .2rem; }
table.data { border-collapse:collapse; width:auto; min-width:62%; font-size:.85rem; font-variant-numeric:tabular-nums; }
table.data caption { caption-side:top; text-align:left; font-weight:600; font-size:.92rem; padding:0 0 6px; }
table.data th { background:#eef2f6; color:#2b3a4a; font-weight:600; text-align:right; padding:6px 12px;
                border-bottom:2px solid #c8d2dc; vertical-align:bottom; line-height:1.3; }
table.data td { padding:5px 12px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
table.data .t { text-align:left; }
table.data tbody tr:nth-child(even) td { background:#f9fbfc; }
table.data tbody tr:hover td { background:var(--soft); }
table.data tr.group td { border-top:1px solid #c8d2dc; }
table.data td.total, table.data th.total { font-weight:600; border-left:1px solid #c8d2dc; }
td .name { display:block; font-size:.78rem; color:var(--muted); }
.na { color:#a0aab4; }
.ok { color:var(--ok); }
.bad { color:var(--bad); font-weight:600; }
p.note { font-size:.8rem; color:var(--muted); margin:.25rem 0 1rem; }
figure { margin:1.1rem 0 1.5rem; }
figure img { display:block; width:100%; max-width:880px; height:auto; border:1px solid var(--line);
             border-radius:6px; background:#fff; }
figure.wide img { max-width:100%; }
figcaption { font-size:.85rem; color:var(--muted); margin-top:.45rem; max-width:82ch; }
figcaption b { color:var(--ink); }
.missing { border:1px dashed #c8d2dc; border-radius:6px; padding:14px; color:var(--muted); font-size:.9rem; }
.cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(205px,1fr)); gap:14px; margin:.4rem 0 .8rem; }
.stat { border:1px solid var(--line); border-radius:8px; padding:12px 15px; background:#fbfcfd; }
.stat .label { font-size:.72rem; text-transform:uppercase; letter-spacing:.07em; color:var(--muted); }
.stat .value { font-size:1.3rem; font-weight:650; margin-top:2px; color:var(--head); }
.stat .detail { font-size:.8rem; color:var(--muted); }
table.meta { border-collapse:collapse; width:100%; font-size:.9rem; }
table.meta th { text-align:left; font-weight:500; color:var(--muted); padding:6px 18px 6px 0;
                white-space:nowrap; vertical-align:top; width:14em; border-bottom:1px solid var(--line); }
table.meta td { padding:6px 0; border-bottom:1px solid var(--line); }
code { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace; font-size:.84em;
       background:#eff3f7; padding:1px 5px; border-radius:4px; overflow-wrap:anywhere; }
.callout { border-left:4px solid #d99a00; background:#fff7e3; color:#5a3e00; padding:10px 14px;
           border-radius:4px; margin:14px 0 4px; font-size:.92rem; }
details { margin:.6rem 0 1rem; }
details > summary { cursor:pointer; color:var(--accent); font-weight:600; font-size:.92rem; margin:.3rem 0; }
footer { color:var(--muted); font-size:.8rem; padding:4px 0 40px; }
@media print {
  body { background:#fff; font-size:12px; }
  nav.toc { display:none; }
  .masthead { background:#fff; color:var(--ink); border-bottom:2px solid var(--head); }
  section.card { border:none; box-shadow:none; padding:0; break-inside:auto; }
  figure, table.data tr { break-inside:avoid; }
}
"""


def esc(text) -> str:
    """HTML-escaped ``str(text)``."""
    return escape(str(text), quote=True)


def fmt(value, kind: str = "num") -> str:
    """A number for a table cell: about three significant digits, thousands separated.

    ``kind`` ``sci``: ``2.2e-15``; ``pct``: one decimal; ``int``: whole number.
    NaN and None are an en dash.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    x = float(value)
    if kind == "sci":
        return f"{x:.1e}"
    if kind == "pct":
        return f"{x:.1f}"
    if kind == "int":
        return f"{x:,.0f}"
    a = abs(x)
    if a == 0:
        return "0"
    if a >= 999.5:  # thresholds on the rounded value: 0.99996 is "1.00", not "1.000"
        text = f"{x:,.0f}"
    elif a >= 99.95:
        text = f"{x:.1f}"
    elif a >= 0.9995:
        text = f"{x:.2f}"
    elif a >= 0.00995:
        text = f"{x:.3f}"
    else:
        text = f"{x:.2g}"
    return text.replace("-", "−")


def _cell(value, kind: str, names: dict[str, str], tag: str = "td", extra: str = "") -> str:
    cls = [c for c in ("t" if kind == "text" else "", extra) if c]
    if kind == "text":
        label = esc(value)
        display = names.get(str(value))
        if display and display != str(value):
            label += f'<span class="name">{esc(display)}</span>'
        body = label
    else:
        text = fmt(value, kind)
        if text == "–":
            cls.append("na")
        elif kind == "sci":
            cls.append("ok" if float(value) <= ROUND_OFF else "bad")
        body = esc(text)
    attr = f' class="{" ".join(cls)}"' if cls else ""
    return f"<{tag}{attr}>{body}</{tag}>"


def table(t: ReportTable, names: dict[str, str] | None = None, total_last: bool = False,
          group_first: bool = False) -> str:
    """``t`` as an HTML table; ``names`` gives display names of ids in label columns.

    ``total_last`` sets the last column apart (a whole-run or total column);
    ``group_first`` blanks repeats in the first column and rules between groups.
    """
    names = names or {}
    ncol = len(t.header)
    heads = []
    for j, h in enumerate(t.header):
        cls = ["t"] if t.formats[j] == "text" else []
        if total_last and j == ncol - 1:
            cls.append("total")
        attr = f' class="{" ".join(cls)}"' if cls else ""
        heads.append(f'<th scope="col"{attr}>{esc(h)}</th>')
    body, previous = [], None
    for row in t.rows:
        cells = []
        first = row[0]
        for j, (value, kind) in enumerate(zip(row, t.formats)):
            extra = "total" if total_last and j == ncol - 1 else ""
            if group_first and j == 0 and first == previous:
                cells.append('<td class="t"></td>')
                continue
            cells.append(_cell(value, kind, names, extra=extra))
        cls = ' class="group"' if group_first and first != previous and previous is not None else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
        previous = first
    note = f'<p class="note">{esc(t.note)}</p>' if t.note else ""
    return (f'<div class="tablewrap"><table class="data" id="{esc(t.key)}">'
            f"<caption>{esc(t.caption)}</caption><thead><tr>{''.join(heads)}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>{note}")


def figure(f: Figure | None) -> str:
    """An embedded figure with its caption, or a note saying why it is missing."""
    if f is None:
        return ""
    if f.error:
        return (f'<figure id="{esc(f.key)}"><div class="missing">Figure not drawn: {esc(f.error)}'
                f"</div><figcaption>{esc(f.caption)}</figcaption></figure>")
    wide = ' class="wide"' if f.width_px > 1300 else ""
    return (f'<figure id="{esc(f.key)}"{wide}><img src="{f.uri}" width="{f.width_px}" height="{f.height_px}" '
            f'alt="{esc(f.caption)}"><figcaption>{esc(f.caption)}</figcaption></figure>')


def stat(label: str, value: str, detail: str = "") -> str:
    """A key-figure card."""
    d = f'<div class="detail">{esc(detail)}</div>' if detail else ""
    return (f'<div class="stat"><div class="label">{esc(label)}</div>'
            f'<div class="value">{esc(value)}</div>{d}</div>')


def meta(rows: list[tuple[str, str]]) -> str:
    """A two-column table of (label, HTML value) pairs; values must already be escaped."""
    body = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="meta"><tbody>{body}</tbody></table>'


def section(key: str, title: str, lead: str, body: str) -> str:
    """A numbered section card with a heading, a short explanation and its content."""
    return (f'<section class="card" id="{esc(key)}"><h2>{esc(title)}</h2>'
            f'<p class="lead">{lead}</p>{body}</section>')
