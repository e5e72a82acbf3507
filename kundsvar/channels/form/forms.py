"""The contact form: short (rule C2) and without any personal identity number (C3)."""

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Photos of a damaged item, a receipt, a screenshot. Not archives or programs.
ALLOWED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
}
# The first bytes of each type, so a renamed .exe is not let through as a photo.
_MAGIC = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}
MAX_MESSAGE = 10_000


TOPICS = [
    ("", _("Choose (optional)")),
    ("order", _("My order or delivery")),
    ("return", _("Return, exchange or complaint")),
    ("product", _("A product")),
    ("payment", _("Payment or invoice")),
    ("other", _("Something else")),
]


def topic_label(code: str) -> str:
    return str(dict(TOPICS).get(code, "")) if code else ""


def _sniff(upload) -> bytes:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return head


class ContactForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("We answer here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    order_number = forms.CharField(
        label=_("Order number (optional)"), max_length=64, required=False
    )
    topic = forms.ChoiceField(
        label=_("What is it about? (optional)"), choices=TOPICS, required=False
    )
    message = forms.CharField(
        label=_("Your question"), max_length=MAX_MESSAGE, widget=forms.Textarea(attrs={"rows": 7})
    )
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=_("A photo, PDF or text file, at most 10 MB."),
    )

    def __init__(self, *args, topics=(), chosen=None, language: str = "sv", **kwargs):
        """With the shop's `topics` (C2): the choice lists them, and the `chosen` topic's
        fields are added and required as the topic says (faulty item: order and photo;
        return: order and which items; delivery: order or tracking number)."""
        super().__init__(*args, **kwargs)
        self.chosen = chosen
        if topics:
            self.fields["topic"].choices = [TOPICS[0]] + [
                (t.slug, t.name(language)) for t in topics
            ]
        if chosen is not None:
            self.initial.setdefault("topic", chosen.slug)
            self.fields["topic"].widget = forms.HiddenInput()
            for spec in chosen.fields:
                self._add(spec["kind"], bool(spec.get("required")))

    def _add(self, kind: str, required: bool) -> None:
        if kind == "order":
            self.fields["order_number"].required = required
            if required:
                self.fields["order_number"].label = _("Order number")
        elif kind in ("tracking", "order_or_tracking"):
            self.fields["tracking_number"] = forms.CharField(
                label=_("Tracking number (kollinummer)"), max_length=64, required=False
            )
            self._order_or_tracking = kind == "order_or_tracking" and required
            self.order_fields(["name", "email", "order_number", "tracking_number"])
        elif kind == "items":
            self.fields["items"] = forms.CharField(
                label=_("Which items?"),
                max_length=500,
                required=required,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. the blue jacket, size M")}),
            )
            self.order_fields(["name", "email", "order_number", "items"])
        elif kind == "photo":
            self.fields["attachment"].required = required
            self.fields["attachment"].label = _("A photo of the item")

    def clean(self):
        data = super().clean()
        wanted = getattr(self, "_order_or_tracking", False)
        if wanted and not data.get("order_number") and not data.get("tracking_number"):
            self.add_error(
                "order_number", _("Please give the order number or the tracking number.")
            )
        return data

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        content_type = ALLOWED_TYPES.get(Path(upload.name).suffix.lower())
        if content_type is None:
            raise forms.ValidationError(
                _("Please attach a photo (JPEG, PNG, GIF, WebP, HEIC), a PDF or a text file.")
            )
        magic = _MAGIC.get(content_type)
        if magic and not _sniff(upload).startswith(magic):
            raise forms.ValidationError(_("The file does not look like its name says."))
        upload.checked_type = content_type
        return upload
