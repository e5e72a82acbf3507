from kundsvar.channels.by_email import AnsweredByEmail


class FormChannel(AnsweredByEmail):
    """The contact form: each question sent is a new case (the double click is caught by
    the form itself), answered by email."""

    code = "form"
