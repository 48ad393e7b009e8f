#!/usr/bin/python3
"""Generate the outdated-migration cases of tests/outdated/ with real Django.

Each mutation below edits exactly one models module of `project/` (the
"bookhouse" sample project, whose committed migrations match its models).  For
every mutation and every Django given with --django, the project is copied to
a temporary directory, the mutation is applied and

    python manage.py makemigrations --check --dry-run

decides whether the models now need a migration.  The verdicts, the mutated
file and a unified diff are written to `cases/<id>/<file>` and `cases.jsonl`
(see README.md).  Django, not this script, decides every verdict:
`expected_family` only records what the mutation was meant to be.

Usage (from the repository root):

    /usr/bin/python3 tests/outdated/generate_cases.py --django 3.2 --django 4.2=PATH

`--django LABEL` runs the Django that `--python` imports by default;
`--django LABEL=PATH` puts PATH first on PYTHONPATH.  The label must match the
version that is actually imported (checked), so verdicts are never mislabelled.
Without --django, the specs come from $OUTDATED_CASES_DJANGO (space
separated), else "3.2".

Stdlib only.  Ids (m001, ...) are the 1-based position in MUTATIONS: append
new mutations at the end so existing ids keep their meaning.
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"
CASES_DIR = HERE / "cases"
CASES_JSONL = HERE / "cases.jsonl"

# Never copied into a scratch project, never left in the fixture.
SCRATCH_PATTERNS = ("__pycache__", "*.pyc", "db.sqlite3", "db.sqlite3-journal")

CHANGE, NEUTRAL = "change", "neutral"

# Models modules of the sample project.
MIXINS = "common/mixins.py"
COMMON = "common/models.py"
FIELDS = "common/fields.py"
AUTHORS = "catalog/models/authors.py"
WORKS = "catalog/models/works.py"
MEMBERS = "members/models.py"
LENDING = "lending/models.py"
EVENTS = "events/models.py"


@dataclass(frozen=True)
class Mutation:
    file: str
    kind: str
    family: str
    old: Optional[str] = None
    new: Optional[str] = None
    func: Optional[Callable[[str], str]] = None

    def apply(self, text):
        """Return the mutated text; refuse anything ambiguous or inert."""
        if self.func is not None:
            result = self.func(text)
        else:
            # A replacement that matches twice (or never) would silently test
            # something else than what its kind says.
            count = text.count(self.old)
            if count != 1:
                raise ValueError("%s %s: old text found %d times in %s"
                                 % (self.kind, self.old[:40], count, self.file))
            result = text.replace(self.old, self.new)
        if result == text:
            raise ValueError("%s on %s changes nothing" % (self.kind, self.file))
        return result


def R(file, kind, family, old, new):
    return Mutation(file, kind, family, old=old, new=new)


def F(file, kind, family, func):
    return Mutation(file, kind, family, func=func)


def replace_all(old, new, expect):
    """A function mutation replacing every occurrence; `expect` pins the count."""
    def func(text):
        count = text.count(old)
        if count != expect:
            raise ValueError("%r found %d times, expected %d" % (old, count, expect))
        return text.replace(old, new)
    return func


def delete_class(name):
    """Remove a top-level class: from its line to the next top-level statement."""
    def func(text):
        start = text.index("\n\n\nclass %s(" % name)
        end = text.find("\n\n\n", start + 3)
        return text[:start] + ("\n" if end == -1 else text[end:])
    return func


def chain(*parts):
    """A function mutation made of several edits, each checked like a mutation."""
    def func(text):
        for part in parts:
            text = part.apply(text)
        return text
    return func


def step(old, new):
    """One exactly-once replacement inside a chain()."""
    return Mutation("", "step", "", old=old, new=new)


# Blocks reused by several mutations.
ROLE_TUPLE = '''ROLE_CHOICES = (
    ("author", _("Author")),
    ("editor", _("Editor")),
    ("translator", _("Translator")),
)'''
STATUS_LISTS = '''STATUS_CHOICES = [
    ["open", "Open"],
    ["returned", "Returned"],
    ["lost", "Lost"],
]'''
EDITION_INDEXES = '''            models.Index(fields=["format", "price"], name="edition_fmt_price_idx"),
            models.Index(fields=["-published_at"], name="edition_published_idx"),
'''
LOAN_CONSTRAINTS = '''            models.UniqueConstraint(
                fields=["edition"],
                condition=Q(returned_at__isnull=True),
                name="one_open_loan_per_edition",
            ),
            models.CheckConstraint(check=Q(renewals__lte=3), name="loan_renewals_max_3"),
'''
MEMBER_MANAGERS = '''    objects = MemberManager()
    current = CurrentMemberManager()
'''

MUTATIONS = [
    # --- field type and field options -------------------------------------
    R(WORKS, "change_field_type", CHANGE,
      'title = models.CharField(_("title"), max_length=200)',
      'title = models.TextField(_("title"))'),
    R(LENDING, "toggle_null", CHANGE,
      "due_on = models.DateField()",
      "due_on = models.DateField(null=True)"),
    R(AUTHORS, "toggle_blank", CHANGE,
      "born_on = models.DateField(null=True, blank=True)",
      "born_on = models.DateField(null=True)"),
    R(LENDING, "change_default", CHANGE,
      "renewals = models.PositiveSmallIntegerField(default=0)",
      "renewals = models.PositiveSmallIntegerField(default=1)"),
    R(AUTHORS, "add_db_index", CHANGE,
      "alias = models.CharField(max_length=120)",
      "alias = models.CharField(max_length=120, db_index=True)"),
    R(EVENTS, "add_unique", CHANGE,
      "slug = models.SlugField()",
      "slug = models.SlugField(unique=True)"),
    R(WORKS, "change_help_text", CHANGE,
      'help_text=_("Year")',
      'help_text=_("Year of first publication")'),
    R(MEMBERS, "change_verbose_name", CHANGE,
      '_("contact e-mail")',
      '_("e-mail")'),
    R(EVENTS, "toggle_m2m_blank", CHANGE,
      'attendees = models.ManyToManyField("members.Member", blank=True,',
      'attendees = models.ManyToManyField("members.Member",'),
    R(MEMBERS, "json_default_dict_literal", CHANGE,
      "preferences = models.JSONField(default=dict, blank=True)",
      "preferences = models.JSONField(default={}, blank=True)"),
    R(WORKS, "add_field_to_mti_child", CHANGE,
      "    minutes = models.PositiveIntegerField()\n",
      "    minutes = models.PositiveIntegerField()\n"
      "    abridged = models.BooleanField(default=False)\n"),
    R(LENDING, "rename_field", CHANGE,
      "note = models.TextField(blank=True)",
      "remark = models.TextField(blank=True)"),
    R(WORKS, "add_db_column_same_name", NEUTRAL,
      'help_text=_("Year"))',
      'help_text=_("Year"), db_column="first_published")'),
    R(WORKS, "add_db_column_other_name", CHANGE,
      'help_text=_("Year"))',
      'help_text=_("Year"), db_column="year")'),

    # --- choices ------------------------------------------------------------
    R(WORKS, "integer_choices_add_member", CHANGE,
      "    ESSAY = 3\n",
      '    ESSAY = 3\n    DRAMA = 4, _("Drama")\n'),
    R(WORKS, "integer_choices_change_label", CHANGE,
      'POETRY = 2, _("Poetry")',
      'POETRY = 2, _("Verse")'),
    R(WORKS, "text_choices_explicit_derived_label", NEUTRAL,
      '        EBOOK = "eb"\n',
      '        EBOOK = "eb", _("Ebook")\n'),
    R(MEMBERS, "text_choices_add_label", CHANGE,
      'BASIC = "basic"\n',
      'BASIC = "basic", _("Basic membership")\n'),
    R(WORKS, "choices_tuple_to_list", NEUTRAL,
      ROLE_TUPLE,
      ROLE_TUPLE.replace("= (", "= [").replace("\n)", "\n]")),
    R(LENDING, "choices_inner_lists_to_tuples", NEUTRAL,
      STATUS_LISTS,
      STATUS_LISTS.replace('["', '("').replace('"],', '"),')),
    R(EVENTS, "choices_add_member", CHANGE,
      '    ("club", "Book club"),\n',
      '    ("club", "Book club"),\n    ("talk", "Talk"),\n'),
    R(EVENTS, "choices_reorder", CHANGE,
      '    ("reading", "Reading"),\n    ("workshop", "Workshop"),\n',
      '    ("workshop", "Workshop"),\n    ("reading", "Reading"),\n'),
    R(WORKS, "default_enum_member_to_value", NEUTRAL,
      "default=Genre.NOVEL)",
      "default=1)"),
    # --- related_name -----------------------------------------------------
    R(LENDING, "related_name_placeholder_same_name", NEUTRAL,
      'on_delete=models.PROTECT, related_name="loans")\n    status',
      'on_delete=models.PROTECT, related_name="%(class)ss")\n    status'),
    R(EVENTS, "related_name_placeholder_same_name", NEUTRAL,
      'on_delete=models.SET_NULL, null=True, related_name="events")',
      'on_delete=models.SET_NULL, null=True, related_name="%(class)ss")'),
    R(EVENTS, "m2m_related_name_placeholder_same_name", NEUTRAL,
      'blank=True, related_name="events")',
      'blank=True, related_name="%(class)ss")'),
    R(LENDING, "related_name_placeholder_other_name", CHANGE,
      'related_name="reservations")',
      'related_name="%(app_label)s_%(class)ss")'),
    R(WORKS, "drop_related_name_equal_to_default_related_name", NEUTRAL,
      'on_delete=models.PROTECT, related_name="editions")',
      "on_delete=models.PROTECT)"),
    R(MIXINS, "abstract_base_add_placeholder_related_name", CHANGE,
      "        on_delete=models.PROTECT,\n",
      "        on_delete=models.PROTECT,\n"
      '        related_name="%(app_label)s_%(class)s_owned",\n'),
    # --- on_delete and the related model's spelling -------------------------
    R(LENDING, "change_on_delete", CHANGE,
      'ForeignKey("members.Member", on_delete=models.PROTECT',
      'ForeignKey("members.Member", on_delete=models.CASCADE'),
    R(AUTHORS, "change_on_delete", CHANGE,
      "on_delete=models.SET_NULL,",
      "on_delete=models.DO_NOTHING,"),
    R(LENDING, "on_delete_qualified_spelling", NEUTRAL,
      'ForeignKey("members.Member", on_delete=models.PROTECT',
      'ForeignKey("members.Member", on_delete=models.deletion.PROTECT'),
    R(LENDING, "to_class_as_string", NEUTRAL,
      "edition = models.ForeignKey(Edition, on_delete=models.PROTECT",
      'edition = models.ForeignKey("catalog.Edition", on_delete=models.PROTECT'),
    R(WORKS, "to_string_lowercase", NEUTRAL,
      'author = models.ForeignKey("catalog.Author"',
      'author = models.ForeignKey("catalog.author"'),
    R(AUTHORS, "to_self_as_string", NEUTRAL,
      '        "self",\n',
      '        "catalog.Author",\n'),
    R(MIXINS, "auth_user_model_literal", NEUTRAL,
      "        settings.AUTH_USER_MODEL,\n",
      '        "auth.User",\n'),
    R(LENDING, "fk_explicit_db_index", NEUTRAL,
      'related_name="loans")\n    status',
      'related_name="loans", db_index=True)\n    status'),
    R(LENDING, "fk_explicit_to_field_pk", NEUTRAL,
      'related_name="loans")\n    status',
      'related_name="loans", to_field="id")\n    status'),
    R(MEMBERS, "o2o_explicit_unique", NEUTRAL,
      'related_name="membership"',
      'related_name="membership", unique=True'),
    R(WORKS, "m2m_explicit_through_fields", NEUTRAL,
      'through="Contribution", related_name="works")',
      'through="Contribution", through_fields=("work", "author"), related_name="works")'),
    R(WORKS, "mti_explicit_parent_link", NEUTRAL,
      "class AudioEdition(Edition):\n",
      "class AudioEdition(Edition):\n"
      "    edition_ptr = models.OneToOneField(\n"
      "        Edition, on_delete=models.CASCADE, parent_link=True, primary_key=True\n"
      "    )\n"),

    # --- abstract bases -----------------------------------------------------
    R(MIXINS, "abstract_base_add_field", CHANGE,
      '    updated_at = models.DateTimeField(_("updated"), auto_now=True)\n',
      '    updated_at = models.DateTimeField(_("updated"), auto_now=True)\n'
      "    revision = models.PositiveIntegerField(default=0)\n"),
    R(MIXINS, "abstract_base_change_ordering", CHANGE,
      'ordering = ["-created_at"]',
      'ordering = ["-updated_at"]'),
    R(LENDING, "move_field_into_local_abstract_base", NEUTRAL,
      "class Reservation(Owned, Timestamped):\n",
      "class Expiring(models.Model):\n"
      "    expires_at = models.DateTimeField(null=True, blank=True)\n\n"
      "    class Meta:\n"
      "        abstract = True\n\n\n"
      "class Reservation(Owned, Timestamped, Expiring):\n"),
    R(EVENTS, "override_inherited_field_identically", NEUTRAL,
      "class Event(Owned, Timestamped):\n",
      "class Event(Owned, Timestamped):\n"
      "    owner = models.ForeignKey(\n"
      '        "auth.User", on_delete=models.PROTECT, verbose_name=_("owner")\n'
      "    )\n"),
    R(MEMBERS, "inline_inherited_meta", NEUTRAL,
      "    class Meta(Timestamped.Meta):\n        verbose_name = _(\"member\")\n",
      "    class Meta:\n        verbose_name = _(\"member\")\n"
      '        ordering = ["-created_at"]\n        get_latest_by = "created_at"\n'),

    # --- Meta options ---------------------------------------------------------
    R(AUTHORS, "ordering_list_to_tuple", NEUTRAL,
      'ordering = ["name"]', 'ordering = ("name",)'),
    R(LENDING, "ordering_tuple_to_list", NEUTRAL,
      'ordering = ("-borrowed_at",)', 'ordering = ["-borrowed_at"]'),
    R(AUTHORS, "unique_together_swap_pairs", NEUTRAL,
      'unique_together = [("author", "alias"), ("alias", "language")]',
      'unique_together = [("alias", "language"), ("author", "alias")]'),
    R(AUTHORS, "unique_together_swap_inside_pair", CHANGE,
      'unique_together = [("author", "alias"), ("alias", "language")]',
      'unique_together = [("alias", "author"), ("alias", "language")]'),
    R(AUTHORS, "unique_together_list_to_tuple", NEUTRAL,
      'unique_together = [("author", "alias"), ("alias", "language")]',
      'unique_together = (("author", "alias"), ("alias", "language"))'),
    R(WORKS, "indexes_reorder", NEUTRAL,
      EDITION_INDEXES,
      "".join(reversed(EDITION_INDEXES.splitlines(keepends=True)))),
    R(WORKS, "index_rename", CHANGE,
      'name="edition_published_idx"', 'name="edition_pub_date_idx"'),
    R(WORKS, "index_fields_list_to_tuple", NEUTRAL,
      'fields=["format", "price"]', 'fields=("format", "price")'),
    R(WORKS, "check_constraint_int_vs_decimal", NEUTRAL,
      "check=models.Q(price__gte=0)",
      'check=models.Q(price__gte=Decimal("0"))'),
    R(LENDING, "constraint_change_condition", CHANGE,
      "condition=Q(returned_at__isnull=True)",
      "condition=~Q(status=\"returned\")"),
    R(LENDING, "check_constraint_change", CHANGE,
      "check=Q(renewals__lte=3)", "check=Q(renewals__lte=5)"),
    R(LENDING, "constraints_reorder", NEUTRAL,
      LOAN_CONSTRAINTS,
      LOAN_CONSTRAINTS[LOAN_CONSTRAINTS.index("            models.CheckConstraint"):]
      + LOAN_CONSTRAINTS[:LOAN_CONSTRAINTS.index("            models.CheckConstraint")]),
    R(LENDING, "unique_constraint_fields_tuple", NEUTRAL,
      'fields=["edition"],', 'fields=("edition",),'),
    R(LENDING, "change_db_table", CHANGE,
      'db_table = "lending_loan_record"', 'db_table = "lending_loans"'),
    R(EVENTS, "db_table_equal_to_default", NEUTRAL,
      "    rating = models.FloatField(default=1.0)\n",
      "    rating = models.FloatField(default=1.0)\n\n"
      "    class Meta:\n"
      '        db_table = "events_venue"\n'),
    R(LENDING, "change_verbose_name_plural", CHANGE,
      '_("reservations in queue")', '_("queued reservations")'),
    R(MEMBERS, "add_permission", CHANGE,
      'permissions = [("export_member", "Can export member data")]',
      'permissions = [("export_member", "Can export member data"), '
      '("merge_member", "Can merge members")]'),
    R(LENDING, "change_default_permissions", CHANGE,
      'default_permissions = ("view", "change")',
      'default_permissions = ("view", "change", "delete")'),
    R(MEMBERS, "toggle_managed", CHANGE,
      "        managed = False\n", "        managed = True\n"),
    R(MEMBERS, "unmanaged_add_field", CHANGE,
      "    issued_on = models.DateField()\n",
      "    issued_on = models.DateField()\n"
      "    branch = models.CharField(max_length=40, blank=True)\n"),
    R(MEMBERS, "proxy_change_ordering", CHANGE,
      'ordering = ["-member_since"]', 'ordering = ["card"]'),
    # --- managers -------------------------------------------------------------
    R(MEMBERS, "manager_use_in_migrations_off", CHANGE,
      "    use_in_migrations = True\n", "    use_in_migrations = False\n"),
    R(MEMBERS, "add_plain_manager", NEUTRAL,
      MEMBER_MANAGERS,
      MEMBER_MANAGERS + "    everyone = models.Manager()\n"),
    R(EVENTS, "first_manager_named_differently", CHANGE,
      "    rating = models.FloatField(default=1.0)\n",
      "    rating = models.FloatField(default=1.0)\n\n    venues = models.Manager()\n"),
    R(MEMBERS, "rename_plain_manager", NEUTRAL,
      "    current = CurrentMemberManager()\n",
      "    active_now = CurrentMemberManager()\n"),
    R(MEMBERS, "reorder_managers", CHANGE,
      MEMBER_MANAGERS,
      "    current = CurrentMemberManager()\n    objects = MemberManager()\n"),

    # --- models added, deleted, renamed --------------------------------------
    F(EVENTS, "rename_model", CHANGE, replace_all("Venue", "Place", 2)),
    F(MEMBERS, "delete_unmanaged_model", CHANGE, delete_class("LegacyCard")),
    F(LENDING, "delete_model", CHANGE, delete_class("Fine")),
    R(EVENTS, "add_model", CHANGE,
      "\n\nclass Event(Owned, Timestamped):\n",
      "\n\nclass Sponsor(models.Model):\n"
      "    name = models.CharField(max_length=80)\n"
      "    url = models.URLField(blank=True)\n"
      "\n\nclass Event(Owned, Timestamped):\n"),
    R(EVENTS, "add_abstract_model", NEUTRAL,
      "\n\nclass Event(Owned, Timestamped):\n",
      "\n\nclass Bookable(models.Model):\n"
      "    capacity = models.PositiveIntegerField(default=0)\n\n"
      "    class Meta:\n        abstract = True\n"
      "\n\nclass Event(Owned, Timestamped):\n"),
    R(WORKS, "add_proxy_model", CHANGE,
      "\n\nclass AudioEdition(Edition):\n",
      "\n\nclass Ebook(Edition):\n"
      "    class Meta:\n        proxy = True\n"
      "\n\nclass AudioEdition(Edition):\n"),
    R(COMMON, "add_unmanaged_model", CHANGE,
      "\n\nclass Tag(models.Model):\n",
      "\n\nclass SearchHit(models.Model):\n"
      "    term = models.CharField(max_length=80)\n\n"
      "    class Meta:\n        managed = False\n"
      '        db_table = "search_hits"\n'
      "\n\nclass Tag(models.Model):\n"),

    # --- the custom field -----------------------------------------------------
    R(MEMBERS, "custom_field_change_kwarg", CHANGE,
      'CodeField(prefix="M", unique=True)', 'CodeField(prefix="MB", unique=True)'),
    R(MEMBERS, "custom_field_explicit_default_max_length", NEUTRAL,
      'CodeField(prefix="M", unique=True)', 'CodeField(prefix="M", unique=True, max_length=24)'),
    R(WORKS, "custom_field_change_max_length", CHANGE,
      'isbn = CodeField(prefix="978", blank=True)',
      'isbn = CodeField(prefix="978", blank=True, max_length=32)'),
    R(FIELDS, "custom_field_class_default_max_length", CHANGE,
      "DEFAULT_MAX_LENGTH = 24", "DEFAULT_MAX_LENGTH = 32"),
    R(FIELDS, "custom_field_change_method", NEUTRAL,
      "return value.upper() if value else value",
      "return value.strip().upper() if value else value"),

    # --- file fields and built-in defaults ------------------------------------
    R(WORKS, "change_upload_to", CHANGE,
      'upload_to="covers/%Y/"', 'upload_to="covers/%Y/%m/"'),
    R(AUTHORS, "email_explicit_max_length_254", NEUTRAL,
      "email = models.EmailField(blank=True)",
      "email = models.EmailField(blank=True, max_length=254)"),
    R(AUTHORS, "slug_explicit_db_index", NEUTRAL,
      "slug = models.SlugField(max_length=140, unique=True)",
      "slug = models.SlugField(max_length=140, unique=True, db_index=True)"),
    # --- numeric rewrites -----------------------------------------------------
    R(EVENTS, "default_arith_equal", NEUTRAL,
      "default=20)", "default=10 * 2)"),
    R(EVENTS, "default_float_to_int", NEUTRAL,
      "default=1.0)", "default=1)"),
    R(EVENTS, "default_true_to_1", NEUTRAL,
      "public = models.BooleanField(default=True)",
      "public = models.BooleanField(default=1)"),
    R(WORKS, "default_decimal_scale", NEUTRAL,
      'default=Decimal("0.00"))', 'default=Decimal("0"))'),
    R(WORKS, "default_decimal_to_int", NEUTRAL,
      'default=Decimal("0.00"))', "default=0)"),

    # --- source-only edits ------------------------------------------------------
    R(AUTHORS, "add_docstring", NEUTRAL,
      "class Author(Timestamped):\n",
      'class Author(Timestamped):\n    """A person credited on at least one work."""\n\n'),
    R(EVENTS, "add_property", NEUTRAL,
      "    def __str__(self):\n        return self.title\n",
      "    def __str__(self):\n        return self.title\n\n"
      "    @property\n    def is_full(self):\n"
      "        return self.venue is not None and "
      "self.attendees.count() >= self.venue.capacity\n"),
    R(MEMBERS, "reformat", NEUTRAL,
      "    user = models.OneToOneField(\n"
      "        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name=\"membership\"\n"
      "    )\n",
      "    user = models.OneToOneField(settings.AUTH_USER_MODEL,\n"
      "                                on_delete=models.CASCADE,\n"
      "                                related_name=\"membership\")\n"),
    F(COMMON, "quotes", NEUTRAL, replace_all('"', "'", 4)),
    R(WORKS, "class_constant", NEUTRAL,
      "class Work(models.Model):\n",
      "class Work(models.Model):\n    MAX_AUTHORS = 12\n"),
    F(EVENTS, "import_alias", NEUTRAL, chain(
        step("from django.db import models\n",
             "from django.db import models\nfrom django.db.models import CharField\n"),
        Mutation("", "step", "", func=replace_all("models.CharField(", "CharField(", 3)))),
    F(WORKS, "uuid_import_spelling", NEUTRAL, chain(
        step("import uuid\n", "import uuid\nfrom uuid import uuid4\n"),
        step("default=uuid.uuid4,", "default=uuid4,"))),
    R(WORKS, "gettext_lazy_to_plain_string", NEUTRAL,
      'models.CharField(_("title"), max_length=200)',
      'models.CharField("title", max_length=200)'),
]

@dataclass(frozen=True)
class Django:
    label: str
    path: Optional[str]  # prepended to PYTHONPATH; None = the interpreter's own


def parse_django(spec):
    label, sep, path = spec.partition("=")
    if not label or (sep and not path):
        raise argparse.ArgumentTypeError("expected LABEL or LABEL=PATH, got %r" % spec)
    return Django(label, path or None)


def django_env(django):
    env = dict(os.environ)
    # No bytecode in scratch copies (and never in the fixture itself).
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if django.path:
        env["PYTHONPATH"] = django.path
    else:
        # A PYTHONPATH inherited from the caller could shadow the system Django.
        env.pop("PYTHONPATH", None)
    return env


def check_version(python, django):
    out = subprocess.run(
        [python, "-c", "import django; print(django.get_version())"],
        env=django_env(django), capture_output=True, text=True)
    version = out.stdout.strip()
    if out.returncode != 0 or not (version + ".").startswith(django.label + "."):
        sys.exit("--django %s: %s imports Django %r (%s)"
                 % (django.label, python, version, out.stderr.strip()[-200:]))
    return version


def error_summary(stdout, stderr):
    """One line saying why makemigrations neither passed nor listed changes."""
    lines = [l.strip() for l in (stderr or stdout).splitlines() if l.strip()]
    if not lines:
        return "no output"
    if lines[0].startswith("Traceback"):
        return lines[-1]  # the exception, not the useless header
    # SystemCheckError: the header, then the first "app.Model: (id) message".
    detail = next((l for l in lines[1:] if re.search(r"\(\w+\.\w+\d+\)", l)), "")
    return (lines[0] + " " + detail).strip()


def makemigrations(python, django, project_dir, *extra):
    return subprocess.run(
        [python, "manage.py", "makemigrations", "--check", "--dry-run", *extra],
        cwd=project_dir, env=django_env(django), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=300)


def judge(python, django, project_dir):
    """Run makemigrations --check --dry-run in project_dir; return a verdict."""
    try:
        out = makemigrations(python, django, project_dir)
        noinput = False
        if out.returncode != 0 and "EOFError" in out.stderr:
            # Django asked a question ("Did you rename ...?") and found no
            # terminal.  --noinput answers "no" to renames, as CI would get:
            # the verdict is then a remove + add, still "changes".
            out = makemigrations(python, django, project_dir, "--noinput")
            noinput = True
    except subprocess.TimeoutExpired:
        return {"error": "timed out"}
    apps = sorted(set(re.findall(r"^Migrations for '([^']+)':", out.stdout, re.M)))
    if out.returncode == 0 and "No changes detected" in out.stdout:
        verdict = {"changes": False, "apps": []}
    elif out.returncode == 1 and apps:
        verdict = {"changes": True, "apps": apps}
    else:
        return {"error": error_summary(out.stdout, out.stderr)}
    if noinput:
        verdict["noinput"] = True
    return verdict


def run_one(python, django, files):
    """Judge the project with `files` ({relative path: text}) written over it."""
    with tempfile.TemporaryDirectory(prefix="outdated-") as tmp:
        work = Path(tmp) / "project"
        shutil.copytree(PROJECT, work, ignore=shutil.ignore_patterns(*SCRATCH_PATTERNS))
        for rel, text in files.items():
            (work / rel).write_text(text)
        return judge(python, django, work)


def build_cases():
    """Apply every mutation in memory: fails before any Django runs."""
    cases = []
    for number, mutation in enumerate(MUTATIONS, 1):
        original = (PROJECT / mutation.file).read_text()
        mutated = mutation.apply(original)
        diff = "".join(difflib.unified_diff(
            original.splitlines(keepends=True), mutated.splitlines(keepends=True),
            "a/" + mutation.file, "b/" + mutation.file))
        cases.append({"id": "m%03d" % number, "mutation": mutation,
                      "text": mutated, "diff": diff})
    return cases


def clean_fixture():
    for pattern in SCRATCH_PATTERNS:
        for path in PROJECT.rglob(pattern):
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--django", action="append", type=parse_django, metavar="LABEL[=PATH]",
                        help="a Django to judge with (repeatable)")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="interpreter to run manage.py with (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", action="append", metavar="ID",
                        help="judge only these case ids and print them; writes nothing")
    args = parser.parse_args()
    djangos = args.django or [parse_django(s) for s in
                              os.environ.get("OUTDATED_CASES_DJANGO", "3.2").split()]
    if len({d.label for d in djangos}) != len(djangos):
        parser.error("each --django label must be unique")

    cases = build_cases()
    if args.only:
        cases = [c for c in cases if c["id"] in args.only]
    for django in djangos:
        print("Django %s: %s" % (django.label, check_version(args.python, django)), file=sys.stderr)
        # Every verdict assumes the unmutated project needs no migration.
        base = run_one(args.python, django, {})
        if base != {"changes": False, "apps": []}:
            sys.exit("project/ is not clean under Django %s: %s" % (django.label, base))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {(c["id"], d.label): pool.submit(
            run_one, args.python, d, {c["mutation"].file: c["text"]})
            for c in cases for d in djangos}
        verdicts = {key: future.result() for key, future in futures.items()}
    clean_fixture()

    records = []
    for case in cases:
        m = case["mutation"]
        records.append({
            "id": case["id"],
            "file": m.file,
            "mutation_kind": m.kind,
            "expected_family": m.family,
            "verdicts": {d.label: verdicts[case["id"], d.label] for d in djangos},
            "unified_diff": case["diff"],
        })

    if args.only:
        for record in records:
            print(json.dumps(record, indent=1))
        return

    if CASES_DIR.exists():
        shutil.rmtree(CASES_DIR)
    for case in cases:
        target = CASES_DIR / case["id"] / case["mutation"].file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(case["text"])
    with open(CASES_JSONL, "w") as out:
        for record in records:
            out.write(json.dumps(record) + "\n")
    summarize(records, djangos)


def summarize(records, djangos):
    for d in djangos:
        v = [r["verdicts"][d.label] for r in records]
        print("Django %s: %d cases, %d changes, %d no changes, %d errors" % (
            d.label, len(v), sum(x.get("changes") is True for x in v),
            sum(x.get("changes") is False for x in v), sum("error" in x for x in v)))
    for r in records:
        for d in djangos:
            if "error" in r["verdicts"][d.label]:
                print("  error %s %s [%s]: %s" % (r["id"], r["mutation_kind"], d.label,
                                                   r["verdicts"][d.label]["error"]))
        seen = {json.dumps(v, sort_keys=True) for v in r["verdicts"].values() if "error" not in v}
        if len(seen) > 1:
            print("  disagree %s %s (%s): %s" % (r["id"], r["mutation_kind"], r["file"],
                                                  json.dumps(r["verdicts"], sort_keys=True)))


if __name__ == "__main__":
    main()
