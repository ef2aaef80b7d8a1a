from celery import shared_task

from .invitations import send_invitation


@shared_task
def send_meeting_invitation(meeting_id: int) -> int:
    """Email a meeting's .ics invitation to everyone invited (enqueued after the commit that made
    it due)."""
    return send_invitation(meeting_id)


# The task's name before invitations moved here from handoffs: messages queued under it before a
# deploy are still run.
send_meeting_invitation_queued_as_handoffs = shared_task(name="handoffs.tasks.send_meeting_invitation")(send_invitation)
