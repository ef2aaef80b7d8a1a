"""Checklist words in each language (django-modeltranslation). A handoff's items are copies of the
template's, every language included."""

from modeltranslation.translator import TranslationOptions, register

from .models import ChecklistItem, ChecklistTemplateItem


@register([ChecklistTemplateItem, ChecklistItem])
class ChecklistTranslations(TranslationOptions):
    fields = ("title", "description")
