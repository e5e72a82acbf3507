from .models import Kind, Notification, NotificationSettings

STREAM_PREFIX = "agent."


def stream_of(agent_id: int) -> str:
    """The agent's own live stream (kundsvar.live): new notifications, the unread count."""
    return f"{STREAM_PREFIX}{agent_id}"


def settings_of(agent) -> NotificationSettings:
    """The agent's choices; unsaved defaults (every kind, no email) when they made none."""
    found = NotificationSettings.objects.filter(agent=agent).first()
    return found or NotificationSettings(agent=agent, kinds=list(Kind.values))


def unread_count(agent) -> int:
    return Notification.objects.filter(recipient=agent, read_at__isnull=True).count()


def recent(agent, limit: int = 50):
    return Notification.objects.filter(recipient=agent).select_related("case", "actor")[:limit]
