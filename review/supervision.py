"""What supervisors do to the decision layer, audited: retrain, switch models, change modes.

The job itself is `review.training.training_execute`, which runs the engine's `model_train`
(which also decides whether the new version is activated: only if it is not worse). This
module starts it through django-q2 and notices a job that will not report back; the
`TrainingRun` row is what the progress bar polls: the same whether a worker runs the job or
django-q2 runs it inline (`sync`, as in the tests). It does not import the engine, so web
processes (the admin, the dashboard) do not load scikit-learn.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from review.models import AuditEntry, Intent, ModelVersion, TrainingRun

logger = logging.getLogger(__name__)

# A queued run nobody picked up for this long is given up (the worker is down, or the enqueue
# was lost between commit and broker); the page says so instead of waiting forever.
QUEUED_GIVE_UP = timedelta(hours=1)


def active_version(engine: str | None = None) -> ModelVersion | None:
    return (
        ModelVersion.objects.filter(is_active=True, engine=engine or settings.ENGINE)
        .defer("blob")
        .first()
    )


def running_for() -> timedelta:
    """How long a job may run before the worker kills it (django-q2's timeout)."""
    return timedelta(seconds=settings.Q_CLUSTER.get("timeout") or 60)


def training_start(*, user) -> TrainingRun:
    """Queue a retraining; while one is queued or training, return that one instead."""
    engine = settings.ENGINE
    for run in TrainingRun.objects.active().filter(engine=engine):
        training_refresh(run)
    try:
        with transaction.atomic():
            run = TrainingRun.objects.create(
                engine=engine, requested_by=user, previous_version=active_version(engine)
            )
            AuditEntry.record(
                action=AuditEntry.Action.TRAINING_STARTED, actor=user, target=run, engine=engine
            )
    except IntegrityError:
        # One run per engine at a time (a partial unique constraint): show the running one.
        return TrainingRun.objects.active().get(engine=engine)
    from django_q.tasks import async_task

    # Enqueued after the commit, outside any transaction: the worker must find the row, and
    # django-q2 in sync mode runs the job right here, which must not hold a transaction open.
    task_id = async_task("review.tasks.training_run", run.pk, task_name=f"training-run-{run.pk}")
    TrainingRun.objects.filter(pk=run.pk, task_id="").update(task_id=task_id or "")
    run.refresh_from_db()
    return run


def training_refresh(run: TrainingRun) -> TrainingRun:
    """Notice a job that will not report back: failed in the worker, killed, or never picked up."""
    if run.is_finished:
        return run
    from django_q.models import Task

    error = ""
    failed = Task.objects.filter(id=run.task_id, success=False).first() if run.task_id else None
    now = timezone.now()
    if failed is not None:
        error = str(failed.result or "the job failed in the worker")
    elif run.status == TrainingRun.Status.QUEUED and run.created_at < now - QUEUED_GIVE_UP:
        error = "nobody picked the job up: is the worker (manage.py qcluster) running?"
    elif (
        run.status == TrainingRun.Status.TRAINING
        and run.started_at
        and run.started_at < now - 2 * running_for() - timedelta(seconds=30)
    ):
        # Past the timeout and a redelivery's timeout: the job is not coming back.
        error = "the job stopped without reporting back (killed, or past the timeout)"
    if error:
        TrainingRun.objects.active().filter(pk=run.pk).update(
            status=TrainingRun.Status.FAILED, error=error[:2000], finished_at=now
        )
        run.refresh_from_db()
    return run


def model_version_activate(*, version: ModelVersion, user, rollback: bool = False) -> AuditEntry:
    """Make `version` the engine's active model; the audit says who, from which, to which.

    Raises `ModelVersion.BlobPruned` (and changes nothing) when retention removed its blob.
    """
    with transaction.atomic():
        previous = active_version(version.engine)
        version.activate()
        return AuditEntry.record(
            action=AuditEntry.Action.MODEL_ROLLED_BACK
            if rollback
            else AuditEntry.Action.MODEL_ACTIVATED,
            actor=user,
            target=version,
            label=version.label,
            previous=previous.label if previous else None,
        )


def model_files_remove(*, versions, user) -> list[ModelVersion]:
    """Empty the blobs of the inactive ones among `versions`; audit each; return them.

    For an erasure: an old model's vocabulary can hold words of the customer's texts. The rows
    and figures stay; a version without its file cannot be activated or rolled back to. The
    active version is never touched (a conditional UPDATE, so not even one activated meanwhile).
    """
    removed = []
    with transaction.atomic():
        for version in versions.filter(is_active=False, blob_pruned_at__isnull=True).defer("blob"):
            done = ModelVersion.objects.filter(
                pk=version.pk, is_active=False, blob_pruned_at__isnull=True
            ).update(blob=b"", blob_pruned_at=timezone.now())
            if done:
                AuditEntry.record(
                    action=AuditEntry.Action.MODEL_FILE_REMOVED,
                    actor=user,
                    target=version,
                    label=version.label,
                )
                removed.append(version)
    return removed


def intent_mode_change(*, intent: Intent, mode: str, user, evidence: dict) -> AuditEntry | None:
    """Move an intent between assist and auto: a new policy version, and the evidence seen.

    Returns None when the intent is in that mode already (a second click changes nothing).
    Raises ValidationError when the policy forbids it (manual intents are never automated).
    """
    with transaction.atomic():
        intent = Intent.objects.select_for_update().get(pk=intent.pk)
        if intent.mode == mode:
            return None
        before, intent.mode = intent.mode, mode
        intent.full_clean()
        intent.save(changed_by=user)
        return AuditEntry.record(
            action=AuditEntry.Action.POLICY_CHANGED,
            actor=user,
            target=intent,
            field="mode",
            before=before,
            after=mode,
            policy_version=intent.policy_version,
            evidence=evidence,
        )
