from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Director review"

    def ready(self):
        from . import signals  # noqa: F401  (the sign-in receiver)
