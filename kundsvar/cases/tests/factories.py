from kundsvar.cases import services
from kundsvar.cases.services import Inbound


def open_email_case(
    shop,
    received_at,
    *,
    sender="kund@example.se",
    subject="Leveranstid jacka",
    text="Hej! När kommer min jacka?",
    **kwargs,
):
    return services.open_case(
        shop,
        "email",
        Inbound(
            from_address=sender, subject=subject, body_text=text, received_at=received_at, **kwargs
        ),
    )


def write_again(case, received_at, text="Hej igen, något nytt?", sender=None):
    return services.add_inbound_message(
        case,
        Inbound(
            from_address=sender or case.customer.primary_email,
            body_text=text,
            received_at=received_at,
        ),
    )
