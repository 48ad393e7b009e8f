"""Field types shared by the bookhouse apps."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeField(models.CharField):
    """An upper-case identifier with an optional fixed prefix, e.g. "M-0042".

    `prefix` is our own keyword argument, so deconstruct() must report it for
    migrations to notice when it changes; the default max_length is left out
    of deconstruct() the way Django's own fields leave out their defaults.
    """

    description = _("Prefixed code")
    DEFAULT_MAX_LENGTH = 32

    def __init__(self, *args, prefix="", **kwargs):
        self.prefix = prefix
        kwargs.setdefault("max_length", self.DEFAULT_MAX_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.prefix:
            kwargs["prefix"] = self.prefix
        if kwargs.get("max_length") == self.DEFAULT_MAX_LENGTH:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value and self.prefix and not value.startswith(self.prefix):
            value = "%s-%s" % (self.prefix, value)
        return value.upper() if value else value
