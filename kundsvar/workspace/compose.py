"""The composer's parts between the form and `cases.services.reply`: copies (Cc, Bcc),
signatures and Markdown-light."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kundsvar.core import markup

from .models import Draft, Signature

MAX_COPIES = 10


def addresses(text: str) -> list[str]:
    """ "a@x.se, b@y.se" (commas, semicolons or spaces) → valid, unique, lower-cased."""
    found: list[str] = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        address = part.strip().strip("<>").lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                _("“%(address)s” is not an email address."), params={"address": part.strip()}
            ) from None
        if address not in found:
            found.append(address)
    if len(found) > MAX_COPIES:
        raise ValidationError(_("At most %(n)s copies.") % {"n": MAX_COPIES})
    return found


def signature(case, agent) -> str:
    """The agent's signature then the shop's, each in the case's language when one is
    written for it, else the one for any language."""
    rows = Signature.objects.filter(shop_id=case.shop_id, language__in=[case.language, ""])
    rows = rows.filter(agent=agent) | rows.filter(agent__isnull=True)
    best: dict[bool, Signature] = {}
    for row in rows:
        mine = row.agent_id is not None
        if mine not in best or row.language == case.language:
            best[mine] = row
    return "\n\n".join(best[k].text for k in (True, False) if k in best)


def answer(body: str, sign: str, *, by_email: bool) -> tuple[str, str]:
    """(text, html) of the answer: the signature below it; HTML only for email."""
    source = f"{body.rstrip()}\n\n{sign}" if sign and by_email else body
    return markup.to_text(source), (markup.to_html(source) if by_email else "")


def draft_for(case, agent) -> Draft | None:
    return Draft.objects.filter(case=case, agent=agent).first()


MAX_FILES = 10
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # what most receiving mail servers still take


def uploads(files, *, by_email: bool = True) -> list:
    """The composer's attached files (request.FILES.getlist("attachments")), into the file
    store before the reply's transaction (cases.attachments). Too many or too big files,
    or files on an answer that does not go by email (an SMS), are refused with a
    ValidationError saying why: nothing is sent then."""
    from kundsvar.cases import files as files_store
    from kundsvar.cases.attachments import File, store_files

    if files and not by_email:
        raise ValidationError(_("Only an email answer can have attachments."))

    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)s files per reply."), params={"n": MAX_FILES})
    if any(f.size > MAX_FILE_BYTES for f in files):
        raise ValidationError(_("A file may be at most 10 MB."))
    if sum(f.size for f in files) > MAX_TOTAL_BYTES:
        raise ValidationError(_("The files together may be at most 20 MB."))
    parts = [
        File(
            filename=files_store.display_name(f.name or ""),
            content_type=(f.content_type or "application/octet-stream")[:255],
            payload=b"".join(f.chunks()),
        )
        for f in files
    ]
    stored = store_files(parts)
    if any(item is None for item in stored):
        raise ValidationError(_("A file could not be stored. Nothing was sent; try again."))
    return stored
