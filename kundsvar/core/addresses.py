"""Email addresses as one sender: the key the mail-loop checks and the acknowledgement
limits count by, stored beside the address (Message.from_key, OutboundEmail.to_key) so
that those checks read an index instead of every row of the last hour."""


def sender_key(address: str) -> tuple[str, str]:
    """(local part without its +tag, domain), in lower case: kund+1@ and kund+2@ are one
    sender. ("", "") for something that is not an address (a phone number, a chat)."""
    local, at, domain = address.lower().strip().rpartition("@")
    if not at or not local or not domain:
        return "", ""
    return local.split("+", 1)[0], domain


def key_and_domain(address: str) -> tuple[str, str]:
    """The stored pair: ("kund@firma.se", "firma.se") for "Kund+order@Firma.se"."""
    local, domain = sender_key(address)
    return (f"{local}@{domain}", domain) if domain else ("", "")
