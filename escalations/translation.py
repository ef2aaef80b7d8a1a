"""The guidelines' wording in each language (django-modeltranslation): customers read it on the
team page and when they raise an item."""

from modeltranslation.translator import TranslationOptions, register

from .models import ResponsePolicy


@register(ResponsePolicy)
class ResponsePolicyTranslations(TranslationOptions):
    fields = ("description",)
