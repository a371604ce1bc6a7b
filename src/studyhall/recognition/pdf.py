"""Certificate PDFs, drawn with reportlab; the QR code is drawn as vector squares."""

from __future__ import annotations

import io

import segno
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from studyhall.recognition.models import Certificate

INK = HexColor("#1f2933")
ACCENT = HexColor("#1f4e79")


def certificate_pdf(
    certificate: Certificate, *, verify_url: str, site_name: str
) -> bytes:
    """Return the PDF of a certificate (expects its community loaded)."""
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = Canvas(buffer, pagesize=(width, height))
    title = certificate.get_kind_display()
    pdf.setTitle(f"{title}: {certificate.recipient_name}")
    pdf.setAuthor(site_name)
    pdf.setSubject(certificate.community.name)
    pdf.setStrokeColor(ACCENT)
    pdf.setLineWidth(4)
    pdf.rect(24, 24, width - 48, height - 48)
    middle = width / 2
    pdf.setFillColor(ACCENT)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(middle, height - 120, title)
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(middle, height - 170, "This certifies that")
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(middle, height - 215, certificate.recipient_name)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(
        middle,
        height - 255,
        "completed"
        if certificate.kind == Certificate.Kind.COMPLETION
        else "took part in",
    )
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(middle, height - 290, certificate.community.name)
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(
        middle,
        height - 325,
        f"Issued on {certificate.issued_at:%d %B %Y} by {site_name}",
    )
    pdf.setFont("Helvetica", 9)
    pdf.drawString(60, 70, "Verify this certificate at")
    pdf.drawString(60, 56, verify_url)
    _draw_qr(pdf, verify_url, x=width - 60 - 110, y=50, size=110)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _draw_qr(pdf: Canvas, data: str, *, x: float, y: float, size: float) -> None:
    code = segno.make(data, error="m", micro=False)
    rows = [list(row) for row in code.matrix]
    cell = size / len(rows)
    pdf.setFillColor(INK)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + c * cell,
                    y + size - (r + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )
