"""The public page's frame: one small inline stylesheet, escaped text, local dates.

Plain server-rendered HTML, readable on the cheapest phone on a slow connection: no script, no
web font, no CDN, nothing fetched from anyone else, so a visitor is seen by nobody but the
commune. Every word comes from the catalog; everything from the database goes through `h`.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.texts import t

_STYLE = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;
background:#f6f6f3}header{background:#a61b1b;color:#fff;padding:.75rem 1rem}
header a{color:#fff}header h1{font-size:1.15rem;margin:0 0 .4rem}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}nav a{white-space:nowrap}
main{max-width:52rem;margin:0 auto;padding:1rem}
article,section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.75rem;
margin:0 0 .75rem}dl{display:grid;grid-template-columns:minmax(0,auto) minmax(0,1fr);
gap:.2rem .75rem;margin:0}dt{color:#555}dd{margin:0;overflow-wrap:anywhere}
form{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem}
select,input,button{font:inherit;padding:.35rem;max-width:100%}label{max-width:100%}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;
text-align:left}.open{color:#8a5a00}.closed{color:#1d6b2a}.muted{color:#666;font-size:.9rem}
footer{text-align:center;color:#666;font-size:.85rem;padding:1rem}svg{max-width:100%;height:auto}
dd img{display:block;max-width:100%;height:auto;margin:0 0 .5rem}
"""


def h(value: object) -> str:
    """Text from anywhere, safe to put in an element or a quoted attribute."""
    return escape(str(value), quote=True)


def day(moment: datetime | date | None, zone: ZoneInfo) -> str:
    if moment is None:
        return t("web.none")
    if isinstance(moment, datetime):
        moment = moment.astimezone(zone).date()
    return moment.strftime("%d/%m/%Y")


def page(config: Config, title: str, body: str) -> str:
    """A whole document around `body` (already escaped HTML)."""
    site = t("web.title", commune=config.commune.name)
    links = (
        ("/", t("web.nav_cases")),
        ("/thong-ke", t("web.nav_figures")),
        ("/lich", t("web.nav_schedule")),
        ("/thong-bao", t("web.nav_announcements")),
    )
    nav = "".join(f'<a href="{href}">{h(label)}</a>' for href, label in links)
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{h(title)} – {h(site)}</title><style>{_STYLE}</style></head><body>"
        f'<header><h1><a href="/">{h(site)}</a></h1><nav>{nav}</nav></header>'
        f"<main><h2>{h(title)}</h2>{body}</main>"
        f"<footer>{h(t('web.footer'))}</footer></body></html>"
    )
