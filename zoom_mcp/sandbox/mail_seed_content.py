"""Bodies and attachment bytes for the seeded mailboxes, generated in code and deterministic.

The PDF and PNG are small but valid files (they open in a viewer), so clients that sniff or
render attachments see real content.
"""

from __future__ import annotations

import random
import struct
import zlib
from html import escape

# ----- attachments --------------------------------------------------------------------------


def pdf_document(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with Helvetica text and a correct xref table."""

    def text_escape(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 16 Tf", "56 780 Td", f"({text_escape(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines:
        ops += [f"({text_escape(line)}) Tj", "0 -16 Td"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def png_bar_chart(values: list[int], width: int = 160, height: int = 80) -> bytes:
    """An RGB PNG bar chart: one bar per value (0-100), on a light background."""
    bar_width = max(1, width // max(1, len(values)))
    bar, background = bytes((45, 140, 255)), bytes((245, 247, 250))
    # Per column: the bar's height in pixels, or -1 in the gap between bars; rows are joined whole,
    # not pixel by pixel (the sandbox draws these at every start).
    tops = [
        values[min(x // bar_width, len(values) - 1)] * height // 100 if x % bar_width < bar_width - 3 else -1
        for x in range(width)
    ]
    # Filter type 0 for every scanline.
    rows = [b"\x00" + b"".join(bar if height - y <= top else background for top in tops) for y in range(height)]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


def meeting_notes(topic: str, people: list[str]) -> bytes:
    lines = [
        f"Meeting notes: {topic}",
        "=" * (15 + len(topic)),
        "",
        "Attendees: " + ", ".join(people),
        "",
        "Decisions",
        "- Ship the beta to the pilot customers on the agreed date.",
        "- Keep the feature flag on for internal users only until the load test passes.",
        "",
        "Action items",
        f"- {people[0]}: circulate the revised timeline by Friday.",
        f"- {people[-1]}: confirm the vendor contract renewal terms.",
        "",
    ]
    return "\r\n".join(lines).encode()


def calendar_invite(summary: str, start: str, end: str, organizer: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Northwind//Travel Desk//EN\r\nMETHOD:PUBLISH\r\n"
        f"BEGIN:VEVENT\r\nUID:{zlib.crc32(summary.encode()):08x}@travel.example\r\nDTSTART:{start}\r\nDTEND:{end}\r\n"
        f"SUMMARY:{summary}\r\nORGANIZER:mailto:{organizer}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


# ----- HTML ---------------------------------------------------------------------------------

_NEWS_TOPICS = [
    ("Why platform teams are betting on internal developer portals", "Portals went from nice-to-have to table stakes."),
    ("Five lessons from migrating 400 services to ARM", "The savings were real; so were the surprises."),
    ("The quiet return of the monolith", "Modular monoliths are winning greenfield projects again."),
    ("What the new EU data rules mean for your SaaS stack", "A practical checklist for the next two quarters."),
    ("Inside a zero-downtime Postgres major upgrade", "Logical replication, a stopwatch and a lot of patience."),
    ("Designing APIs that agents can actually use", "Small schemas, clear errors, honest pagination."),
    ("Remote teams, async rituals and the death of the status meeting", "What replaced it, team by team."),
    ("A field guide to cost anomalies in the cloud", "Most spikes come from three places."),
]


def newsletter_html(brand: str, issue: int, rng: random.Random, accent: str) -> str:
    topics = rng.sample(_NEWS_TOPICS, 3)
    articles = "".join(
        f"""<tr><td style="padding:16px 24px;border-bottom:1px solid #eceff3">
<h2 style="margin:0 0 6px;font:600 18px Helvetica,Arial,sans-serif;color:#1b1f24">{escape(title)}</h2>
<p style="margin:0 0 8px;font:14px/1.5 Helvetica,Arial,sans-serif;color:#4a5260">{escape(blurb)}</p>
<a href="https://news.{brand.lower().replace(" ", "")}.example/issues/{issue}/{index}?utm_source=newsletter"
 style="color:{accent};font:600 14px Helvetica,Arial,sans-serif">Read more &rarr;</a></td></tr>"""
        for index, (title, blurb) in enumerate(topics, start=1)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{escape(brand)} #{issue}</title></head>
<body style="margin:0;background:#f4f6f8">
<div style="display:none;max-height:0;overflow:hidden">{escape(topics[0][1])}</div>
<table role="presentation" width="100%" cellspacing="0" cellpadding="0" style="background:#f4f6f8">
<tr><td align="center" style="padding:24px 0">
<table role="presentation" width="600" cellspacing="0" cellpadding="0" style="background:#ffffff;border-radius:8px">
<tr><td style="padding:20px 24px;background:{accent};border-radius:8px 8px 0 0">
<span style="font:700 22px Helvetica,Arial,sans-serif;color:#ffffff">{escape(brand)}</span>
<span style="float:right;font:13px Helvetica,Arial,sans-serif;color:#ffffff">Issue #{issue}</span></td></tr>
{articles}
<tr><td style="padding:16px 24px;font:12px/1.4 Helvetica,Arial,sans-serif;color:#8a93a0">
You are receiving this because you subscribed to {escape(brand)}.
<a href="https://news.example/unsubscribe?list={issue}" style="color:#8a93a0">Unsubscribe</a> &middot;
<a href="https://news.example/preferences" style="color:#8a93a0">Preferences</a><br>
{escape(brand)} Media, 500 Market Street, San Francisco, CA 94105</td></tr>
</table></td></tr></table>
<img src="https://news.example/open.gif?i={issue}" width="1" height="1" alt="">
</body></html>"""


def quarterly_report_html(company: str, author: str, rng: random.Random, target_chars: int = 30_000) -> str:
    """A long, table-heavy report (~30 000 characters), for budget and truncation benchmarks."""
    regions = ["North America", "EMEA", "APAC", "Latin America"]
    products = ["Atlas Platform", "Beacon Analytics", "Compass Mobile", "Delta Integrations", "Echo Support"]
    parts = [
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Quarterly report Q3 FY2026</title></head>
<body style="font:14px/1.6 Georgia,serif;color:#222;max-width:860px;margin:auto">
<h1 style="font-family:Helvetica,Arial,sans-serif">{escape(company)} &mdash; Quarterly report, Q3 FY2026</h1>
<p>Prepared by {escape(author)} for the leadership team. Confidential: internal distribution only.</p>
<h2>Executive summary</h2>
<p>Revenue grew 18% year over year to $42.7M, ahead of plan by 3%. Gross margin held at 71.4%.
Net revenue retention reached 117%. Operating expenses came in 2% under budget, driven by lower
cloud spend after the ARM migration. Cash at quarter end: $88.2M.</p>"""
    ]
    section = 0
    while sum(len(p) for p in parts) < target_chars:
        section += 1
        region = regions[section % len(regions)]
        rows = "".join(
            f"<tr><td>{escape(product)}</td><td align=right>${rng.randint(800, 9000) / 100:.2f}M</td>"
            f"<td align=right>{rng.randint(-5, 35)}%</td>"
            f"<td align=right>{rng.randint(60, 80)}.{rng.randint(0, 9)}%</td>"
            f"<td align=right>{rng.randint(40, 400)}</td></tr>"
            for product in products
        )
        parts.append(
            f"""<h2>{section}. {escape(region)}: performance by product</h2>
<p>{escape(region)} contributed steadily this quarter. Pipeline coverage for next quarter stands at
{rng.randint(25, 40) / 10:.1f}x, with {rng.randint(10, 60)} enterprise opportunities in late stages.
Churn stayed below {rng.randint(10, 30) / 10:.1f}% and support satisfaction averaged {rng.randint(88, 97)}%.</p>
<table border="1" cellspacing="0" cellpadding="6" style="border-collapse:collapse;width:100%">
<thead><tr style="background:#eef2f7"><th>Product</th><th>Revenue</th><th>YoY</th><th>Margin</th>
<th>New logos</th></tr></thead><tbody>{rows}</tbody></table>
<p>Risks: currency exposure, a slower public-sector budget cycle, and hiring in the data team.
Mitigations are tracked in the operating plan; owners report progress in the monthly review.</p>"""
        )
    parts.append("<p>Questions: reply to this email or join the Thursday review.</p></body></html>")
    return "\n".join(parts)


def receipt_html(vendor: str, order: str, items: list[tuple[str, float]], total: float) -> str:
    rows = "".join(
        f"<tr><td style='padding:4px 8px'>{escape(name)}</td>"
        f"<td align=right style='padding:4px 8px'>${price:.2f}</td></tr>"
        for name, price in items
    )
    return f"""<html><body style="font:14px Helvetica,Arial,sans-serif">
<h2>{escape(vendor)}: receipt for order {escape(order)}</h2>
<table cellspacing="0" style="border:1px solid #ddd">{rows}
<tr><td style="padding:4px 8px"><b>Total</b></td><td align=right style="padding:4px 8px"><b>${total:.2f}</b></td></tr>
</table><p>Thank you for your business.</p></body></html>"""
