"""Role words in each language (django-modeltranslation): customers read them on the team page."""

from modeltranslation.translator import TranslationOptions, register

from .models import Role


@register(Role)
class RoleTranslations(TranslationOptions):
    fields = ("name", "also_known_as", "description")
