from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = _("Post-mortems (root-cause analyses)")

    def ready(self):
        # A post-mortem follows its tracking item when a handoff moves it (escalations.handovers).
        from escalations.handovers import hand_over_followers_register

        from .services import postmortems_follow_tracking

        hand_over_followers_register(postmortems_follow_tracking)
