"""Activity names in each language (django-modeltranslation): customers read them in their usage
by activity. The groups' names are choices, translated in the catalogues."""

from modeltranslation.translator import TranslationOptions, register

from .models import Activity


@register(Activity)
class ActivityTranslations(TranslationOptions):
    fields = ("name",)
