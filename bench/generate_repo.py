#!/usr/bin/env python3
"""Generates a large, valid Django project as a git repository, for benchmarks.

    generate_repo.py DIR [--apps 300] [--migrations 40]

Each app has one model whose fields its migrations add one by one, a foreign
key to the previous app, a data migration every tenth migration (reversible),
a squash of its first five migrations (every seventh app) and a merge of two
parallel migrations (every eleventh app). The models match the migrations, so
`manage.py makemigrations --check` reports no changes. History: `develop`
holds the project; `feature` forks from it. Standard library only.
"""
import argparse
import os
import subprocess

HEADER = "from django.db import migrations, models\nimport django.db.models.deletion\n\n\n"


def migration(deps, ops, replaces=None, initial=False):
    out = HEADER + "class Migration(migrations.Migration):\n"
    if initial:
        out += "\n    initial = True\n"
    if replaces:
        out += "\n    replaces = [%s]\n" % ", ".join("(%r, %r)" % r for r in replaces)
    out += "\n    dependencies = [\n" + "".join("        (%r, %r),\n" % d for d in deps) + "    ]\n"
    out += "\n    operations = [\n" + "".join(ops) + "    ]\n"
    return out


def create_model(model, fields):
    body = "".join("                (%r, %s),\n" % f for f in fields)
    return ("        migrations.CreateModel(\n            name=%r,\n            fields=[\n%s            ],\n        ),\n"
            % (model, body))


def add_field(model, name, field):
    return ("        migrations.AddField(\n            model_name=%r,\n            name=%r,\n            field=%s,\n        ),\n"
            % (model.lower(), name, field))


ID = "models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')"
NAME = "models.CharField(max_length=100)"
INT = "models.IntegerField(default=0)"


def data_migration(deps, app, model):
    return (
        "from django.db import migrations\n\n\n"
        "def forwards(apps, schema_editor):\n"
        "    %s = apps.get_model(%r, %r)\n"
        "    %s.objects.filter(name='').update(name='unnamed')\n\n\n"
        "class Migration(migrations.Migration):\n\n"
        "    dependencies = [\n%s    ]\n\n"
        "    operations = [\n        migrations.RunPython(forwards, migrations.RunPython.noop),\n    ]\n"
        % (model, app, model, model, "".join("        (%r, %r),\n" % d for d in deps)))


def generate_app(root, index, count):
    app = "app%03d" % index
    model = "Item%d" % index
    prev = "app%03d" % (index - 1) if index > 0 else None
    files = {}
    fields = [("name", NAME)]
    names = []

    def name_of(n, slug):
        return "%04d_%s" % (n, slug)

    # 0001: the model; 0002: the foreign key to the previous app.
    first = name_of(1, "initial")
    files[first] = migration([], [create_model(model, [("id", ID), ("name", NAME)])], initial=True)
    names.append(first)
    n = 2
    while n <= count:
        deps = [(app, names[-1])]
        if index % 11 == 5 and n == 20:
            # Two parallel migrations and the merge that joins them.
            a, b = name_of(n, "item_a%d" % n), name_of(n, "item_b%d" % n)
            files[a] = migration(deps, [add_field(model, "a%d" % n, INT)])
            files[b] = migration(deps, [add_field(model, "b%d" % n, INT)])
            fields += [("a%d" % n, INT), ("b%d" % n, INT)]
            merge = name_of(n + 1, "merge_%s_%s" % (a, b))[:60]
            files[merge] = migration([(app, a), (app, b)], [])
            names.append(merge)
            n += 2
            continue
        if n == 2 and prev:
            slug = "item_parent"
            ops = [add_field(model, "parent", "models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to='%s.item%d')" % (prev, index - 1))]
            deps.append((prev, "0001_initial"))
            fields.append(("parent", "models.ForeignKey('%s.Item%d', null=True, on_delete=models.CASCADE)" % (prev, index - 1)))
            files[name_of(n, slug)] = migration(deps, ops)
        elif n % 10 == 0:
            files[name_of(n, "backfill_names")] = data_migration(deps, app, model)
            slug = "backfill_names"
        else:
            slug = "item_f%d" % n
            files[name_of(n, slug)] = migration(deps, [add_field(model, "f%d" % n, INT)])
            fields.append(("f%d" % n, INT))
        names.append(name_of(n, slug))
        n += 1

    if index % 7 == 3 and count >= 6:
        # A squash of 0001-0005 beside the files it replaces, as Django leaves them.
        replaced = names[:5]
        ops = [create_model(model, [("id", ID), ("name", NAME)])]
        deps = []
        for f in fields:
            if f[0] in ("name",):
                continue
            if f[0] == "parent" and prev:
                ops.append(add_field(model, "parent", "models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, to='%s.item%d')" % (prev, index - 1)))
                deps.append((prev, "0001_initial"))
            elif f[0] in ("f3", "f4", "f5"):
                ops.append(add_field(model, f[0], INT))
        files["0001_squashed_0005_item_f5"] = migration(deps, ops, replaces=[(app, r) for r in replaced], initial=True)

    base = os.path.join(root, app)
    os.makedirs(os.path.join(base, "migrations"), exist_ok=True)
    open(os.path.join(base, "__init__.py"), "w").close()
    open(os.path.join(base, "migrations", "__init__.py"), "w").close()
    # The rest of what `manage.py startapp` writes: every real app has an apps.py.
    config = "".join(part.capitalize() for part in app.split("_")) + "Config"
    with open(os.path.join(base, "apps.py"), "w") as out:
        out.write("from django.apps import AppConfig\n\n\nclass %s(AppConfig):\n"
                  "    default_auto_field = \"django.db.models.AutoField\"\n    name = \"%s\"\n" % (config, app))
    for module, text in (("admin.py", "from django.contrib import admin\n\n# Register your models here.\n"),
                         ("tests.py", "from django.test import TestCase\n\n# Create your tests here.\n"),
                         ("views.py", "from django.shortcuts import render\n\n# Create your views here.\n")):
        with open(os.path.join(base, module), "w") as out:
            out.write(text)
    with open(os.path.join(base, "models.py"), "w") as out:
        out.write("from django.db import models\n\n\nclass %s(models.Model):\n" % model)
        for name, field in fields:
            out.write("    %s = %s\n" % (name, field))
    for name, text in files.items():
        with open(os.path.join(base, "migrations", name + ".py"), "w") as out:
            out.write(text)
    return app, len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--apps", type=int, default=300)
    parser.add_argument("--migrations", type=int, default=40)
    args = parser.parse_args()
    root = os.path.abspath(args.dir)
    if os.path.exists(root) and os.listdir(root):
        raise SystemExit("generate_repo.py: %s exists and is not empty" % root)
    os.makedirs(root, exist_ok=True)
    apps, total = [], 0
    for i in range(args.apps):
        app, n = generate_app(root, i, args.migrations)
        apps.append(app)
        total += n
    os.makedirs(os.path.join(root, "benchproject"), exist_ok=True)
    open(os.path.join(root, "benchproject", "__init__.py"), "w").close()
    with open(os.path.join(root, "benchproject", "settings.py"), "w") as out:
        out.write("SECRET_KEY = 'bench'\nUSE_TZ = True\nDEFAULT_AUTO_FIELD = 'django.db.models.AutoField'\n"
                  "DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}\n"
                  "INSTALLED_APPS = [%s]\n" % ", ".join(repr(a) for a in apps))
    with open(os.path.join(root, "manage.py"), "w") as out:
        out.write("import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchproject.settings')\n"
                  "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n")
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.invalid",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.invalid")
    run = lambda *a: subprocess.run(["git", *a], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)
    run("init", "-q", "-b", "develop")
    run("add", "-A")
    run("commit", "-q", "-m", "generated: %d apps, %d migrations" % (args.apps, total))
    run("checkout", "-q", "-b", "feature")
    print("%s: %d apps, %d migration files" % (root, args.apps, total))


if __name__ == "__main__":
    main()
