"""django-q2 entry points for cases: thin, idempotent; each calls the module that does the work."""

from cases import delivery, idempotency, jobs, sla, webhooks
from cases.mail import imap


def message_send(message_id: int) -> bool:
    """Send an outbound message once (`cases.delivery.message_send`)."""
    return delivery.message_send(message_id)


def mail_retry() -> int:
    """Send the replies that are due again, or whose task was lost (scheduled every minute)."""
    return delivery.retry_due()


def purge_task_results() -> int:
    """Forget django-q2's task results (scheduled hourly): successes after
    TASK_RESULTS_KEEP_HOURS, failures after seven times as long."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone
    from django_q.models import Task

    keep = timedelta(hours=settings.TASK_RESULTS_KEEP_HOURS)
    now = timezone.now()
    succeeded = Task.objects.filter(success=True, stopped__lt=now - keep).delete()[0]
    failed = Task.objects.filter(success=False, stopped__lt=now - keep * 7).delete()[0]
    return succeeded + failed


def clear_sessions() -> None:
    """Delete expired sessions (scheduled daily): Django keeps them until asked."""
    from django.core.management import call_command

    call_command("clearsessions")


def close_quiet_cases() -> int:
    return jobs.close_quiet_cases()


def expire_confirmations() -> int:
    return jobs.expire_confirmations()


def deliver_webhooks() -> dict:
    """Deliver due webhooks (scheduled every minute, and enqueued after an event's commit)."""
    return webhooks.deliver_due()


def purge_idempotency_keys() -> int:
    """Forget API idempotency keys older than 24 hours (scheduled hourly)."""
    return idempotency.purge_expired()


def mailbox_poll() -> int:
    """Fetch new mail over IMAP; does nothing while IMAP_HOST is unset."""
    return imap.mailbox_poll()


def record_sla_breaches() -> int:
    """Record missed SLA targets as events, each once (scheduled every minute)."""
    return sla.record_breaches()
