"""Rows of the service audit (M1) and the probes (M2): every run is kept, so the owner
sees the score move over time, and a mailbox probe survives a restart (its state is here,
not in a process)."""

from django.db import models


class AuditRun(models.Model):
    """One run of the ~40 checkpoints over a shop's setup and measured data (rule M1)."""

    shop = models.ForeignKey("shops.Shop", on_delete=models.CASCADE, related_name="audit_runs")
    ran_at = models.DateTimeField(db_index=True)
    score = models.PositiveSmallIntegerField()
    results = models.JSONField(default=list, help_text="One dict per checkpoint, in order.")

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.shop} {self.ran_at:%Y-%m-%d %H:%M} {self.score}"


class ProbeState(models.TextChoices):
    SENDING = "sending"  # the question is not sent yet
    WAITING_ACK = "waiting_ack"
    WAITING_ANSWER = "waiting_answer"
    WAITING_FOLLOW_UP = "waiting_follow_up"  # our follow-up is sent; its answer is awaited
    DONE = "done"


class MailProbe(models.Model):
    """A mystery-shopping question sent to a shop's mailbox and what came back (rule M2).
    Each step reads and writes this row only, so `kundsvar probe mail --resume ID` carries
    on where a stopped process left off."""

    to_address = models.EmailField()
    shop_name = models.CharField(max_length=120, blank=True)
    from_address = models.EmailField()
    smtp = models.CharField(max_length=200, help_text="host:port")
    imap = models.CharField(max_length=200, help_text="host:port")
    user = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    question = models.TextField()
    follow_up = models.TextField()
    wait_seconds = models.PositiveIntegerField()
    time_zone = models.CharField(max_length=64, default="Europe/Stockholm")
    campaign = models.CharField(max_length=80, blank=True, db_index=True)
    state = models.CharField(max_length=20, choices=ProbeState.choices, default=ProbeState.SENDING)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=250, blank=True)
    ack_at = models.DateTimeField(null=True, blank=True)
    ack_raw = models.BinaryField(null=True, blank=True)
    answer_at = models.DateTimeField(null=True, blank=True)
    answer_raw = models.BinaryField(null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    follow_up_message_id = models.CharField(max_length=250, blank=True)
    follow_up_answer_at = models.DateTimeField(null=True, blank=True)
    seen_uids = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    results = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"probe {self.pk} {self.to_address} {self.state}"


class SiteProbe(models.Model):
    """A contact page as a customer sees it, checked once (rule M2)."""

    url = models.URLField(max_length=500)
    name = models.CharField(max_length=120, blank=True, help_text="The shop's name in a campaign.")
    campaign = models.CharField(max_length=80, blank=True, db_index=True)
    ran_at = models.DateTimeField()
    language = models.CharField(max_length=2, blank=True)
    pages = models.JSONField(default=list, help_text="The addresses read, the page first.")
    score = models.PositiveSmallIntegerField()
    results = models.JSONField(default=list)

    class Meta:
        ordering = ["-ran_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.url} {self.score}"
