"""The one check an uploaded receipt passes before it is stored.

A receipt is a PDF, JPEG or PNG of at most 5 MB whose first bytes say it is what its name says:
a renamed script or web page is refused. It is stored under a random name outside every served
folder (models.receipt_storage) and handed out only as a download to the co-production lead.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


class ReceiptError(ValueError):
    pass


def check_receipt(upload) -> str:
    """The receipt's extension, or ReceiptError with a message for the person uploading it."""
    if upload is None:
        raise ReceiptError(_("Choose the receipt to upload"))
    name = (getattr(upload, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in SIGNATURES:
        raise ReceiptError(_("The receipt must be a PDF, JPG or PNG file"))
    if upload.size == 0:
        raise ReceiptError(_("The receipt file is empty"))
    if upload.size > MAX_BYTES:
        raise ReceiptError(_("The receipt must be smaller than 5 MB"))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[extension]):
        raise ReceiptError(_("The receipt is not a real PDF, JPG or PNG file"))
    return extension
