import factory
from django.utils import timezone

from accountteam.models import AuditAction, AuditEvent


class AuditEventFactory(factory.django.DjangoModelFactory):
    """An event as ``accountteam.audit.record`` writes it (without the lookups it does)."""

    class Meta:
        model = AuditEvent

    at = factory.LazyFunction(timezone.now)
    action = AuditAction.SIGN_IN_SUCCEEDED
    actor_name = factory.Sequence(lambda n: f"Someone {n}")
    ip_address = "192.0.2.10"
    user_agent = "Mozilla/5.0 (test)"
    summary = "Signed in."
