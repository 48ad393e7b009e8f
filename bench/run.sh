#!/usr/bin/env bash
# The speed benchmark: on generated repositories of 75, 150 and 300 apps (x40
# migrations), measures side by side, in one run, the floor (git listing what
# is staged), the pre-commit hook with one staged migration, the full audit,
# the staged check of a models change, and the peer (Django's
# `makemigrations --check`); prints medians and ratios, and callgrind
# instruction counts, which do not depend on the machine's load. "warm" runs
# find the caches (.git/hook-check/) filled by the runs before them; "cold"
# runs start without them (removed before each run). A warm full audit is
# measured twice: on the unchanged tree (answered by the results memo) and
# after an edit of one migration (the audit's own work, caches warm).
#
#   bench/run.sh [--sizes "75 150 300"] [--no-callgrind] [--work DIR]
# Needs: hyperfine, valgrind, Debian's python3-django; a build in build/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="75 150 300"
callgrind=1
work="${TMPDIR:-/tmp}/hook-check-bench"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --no-callgrind) callgrind=0; shift ;;
    --work) work="$2"; shift 2 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
bin="$here/build"
for tool in hyperfine /usr/bin/python3; do command -v "$tool" >/dev/null || { echo "bench/run.sh: needs $tool" >&2; exit 2; }; done
[[ -x "$bin/hook-check" ]] || { echo "bench/run.sh: build first (./install.sh or cmake --build build)" >&2; exit 2; }
mkdir -p "$work"

median() { /usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(' '.join('%.4f' % x['median'] for x in r))" "$1"; }

printf '| apps | migrations | floor: git diff --cached | pre-commit warm | hook/floor | pre-commit cold | check --all warm: one file changed | unchanged tree | cold | peak RSS --all (cold / one file changed) | staged models change | makemigrations --check (peer) | peer/hook |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for apps in $sizes; do
  repo="$work/repo-$apps"
  if [[ ! -d "$repo/.git" ]]; then
    /usr/bin/python3 "$here/bench/generate_repo.py" "$repo" --apps "$apps" --migrations 40 >/dev/null
  fi
  cd "$repo"
  git checkout -q -f feature && git reset -q --hard && git clean -qfd
  last="$(printf 'app%03d' $((apps / 2)))"
  leaf="$(ls "$last/migrations" | grep -E '^00[0-9]{2}_' | sort | tail -1 | sed 's/\.py$//')"
  printf 'from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("%s", "%s")]\n    operations = [migrations.AddField("item%d", "bench", models.IntegerField(default=0))]\n' \
    "$last" "$leaf" $((apps / 2)) > "$last/migrations/0099_item_bench.py"
  git add "$last/migrations/0099_item_bench.py"
  count="$(git ls-files | grep -c '/migrations/0')"
  cache="$(git rev-parse --git-common-dir)/hook-check"
  hyperfine -i -N -w 3 -r 20 --export-json "$work/staged-$apps.json" \
    "git diff --cached --name-only" "$bin/hook-check-pre-commit" >/dev/null 2>&1 || true
  read -r floor hook < <(median "$work/staged-$apps.json")
  hyperfine -i -N -r 5 --prepare "rm -rf $cache" --export-json "$work/staged-cold-$apps.json" \
    "$bin/hook-check-pre-commit" >/dev/null 2>&1 || true
  read -r hook_cold < <(median "$work/staged-cold-$apps.json")
  hyperfine -i -N -w 1 -r 10 --export-json "$work/all-$apps.json" "$bin/hook-check check --all" >/dev/null 2>&1 || true
  read -r audit < <(median "$work/all-$apps.json")
  # The same audit after an edit of one migration (a new comment each run):
  # the results memo misses, the facts and operations caches hit but for it.
  edited="$(printf 'app%03d' $((apps / 3)))/migrations/0002_$(ls "$(printf 'app%03d' $((apps / 3)))/migrations" | grep '^0002_' | head -1 | sed 's/^0002_//')"
  hyperfine -i -N -w 1 -r 10 --prepare "bash -c 'echo \"# edit \$RANDOM\$RANDOM\" >> $edited'" \
    --export-json "$work/all-edit-$apps.json" "$bin/hook-check check --all" >/dev/null 2>&1 || true
  read -r audit_edit < <(median "$work/all-edit-$apps.json")
  hyperfine -i -N -r 3 --prepare "rm -rf $cache" --export-json "$work/all-cold-$apps.json" \
    "$bin/hook-check check --all" >/dev/null 2>&1 || true
  read -r audit_cold < <(median "$work/all-cold-$apps.json")
  rm -rf "$cache"
  /usr/bin/time -o "$work/rss.txt" -f '%M' "$bin/hook-check" check --all >/dev/null 2>&1 || true
  rss="$(tail -1 "$work/rss.txt")"
  echo "# edit for rss" >> "$edited"
  /usr/bin/time -o "$work/rss.txt" -f '%M' "$bin/hook-check" check --all >/dev/null 2>&1 || true
  rss_warm="$(tail -1 "$work/rss.txt")"
  git checkout -q -- "$edited"
  git reset -q && rm "$last/migrations/0099_item_bench.py"
  sed -i 's/^    name = models.CharField(max_length=100)$/    name = models.CharField(max_length=120)/' "$last/models.py"
  git add "$last/models.py"
  hyperfine -i -N -w 1 -r 10 --export-json "$work/models-$apps.json" "$bin/hook-check check --staged" >/dev/null 2>&1 || true
  read -r models < <(median "$work/models-$apps.json")
  git reset -q --hard
  hyperfine -i -N -w 1 -r 3 --export-json "$work/peer-$apps.json" \
    "/usr/bin/python3 manage.py makemigrations --check --dry-run" >/dev/null 2>&1 || true
  read -r peer < <(median "$work/peer-$apps.json")
  /usr/bin/python3 - "$apps" "$count" "$rss" "$rss_warm" "$floor" "$hook" "$hook_cold" "$audit_edit" "$audit" "$audit_cold" "$models" "$peer" <<'PY'
import sys
apps, count, rss, rss_warm = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
floor, hook, hook_cold, audit_edit, audit, audit_cold, models, peer = map(float, sys.argv[5:])
ms = lambda s: "%.1f ms" % (s * 1000)
print("| %s | %s | %s | %s | %.1f× | %s | %s | %s | %s | %d / %d MB | %s | %s | %.0f× |" % (
    apps, count, ms(floor), ms(hook), hook / floor, ms(hook_cold), ms(audit_edit), ms(audit), ms(audit_cold),
    rss // 1024, rss_warm // 1024, ms(models), ms(peer), peer / hook))
PY
  if [[ $callgrind == 1 ]] && command -v valgrind >/dev/null; then
    # The same staged migration as above, so the hook does its real work.
    printf 'from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("%s", "%s")]\n    operations = [migrations.AddField("item%d", "bench", models.IntegerField(default=0))]\n' \
      "$last" "$leaf" $((apps / 2)) > "$last/migrations/0099_item_bench.py"
    git add "$last/migrations/0099_item_bench.py"
    # Warm: the cache filled by one run before.
    for cmd in "hook-check-pre-commit" "hook-check check --all"; do
      $bin/$cmd >/dev/null 2>&1 || true
      valgrind --tool=callgrind --callgrind-out-file=/dev/null $bin/$cmd >/dev/null 2>"$work/cg.txt" || true
      echo "  callgrind $apps apps, \`$cmd\` (warm): $(grep -oE 'Collected : [0-9]+' "$work/cg.txt" | grep -oE '[0-9]+') instructions"
    done
    # The audit's own work, warm: one migration edited, so the results memo misses.
    echo "# edit for callgrind" >> "$edited"
    $bin/hook-check check --all >/dev/null 2>&1 || true
    echo "# edit for callgrind, again" >> "$edited"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null $bin/hook-check check --all >/dev/null 2>"$work/cg.txt" || true
    echo "  callgrind $apps apps, \`hook-check check --all\` (warm, one file changed): $(grep -oE 'Collected : [0-9]+' "$work/cg.txt" | grep -oE '[0-9]+') instructions"
    git checkout -q -- "$edited"
    git reset -q --hard && git clean -qfd
    # DJM501's branch path: a staged models change.
    sed -i 's/^    name = models.CharField(max_length=100)$/    name = models.CharField(max_length=120)/' "$last/models.py"
    git add "$last/models.py"
    $bin/hook-check check --staged >/dev/null 2>&1 || true
    valgrind --tool=callgrind --callgrind-out-file=/dev/null $bin/hook-check check --staged >/dev/null 2>"$work/cg.txt" || true
    echo "  callgrind $apps apps, \`hook-check check --staged\` with a models change (warm): $(grep -oE 'Collected : [0-9]+' "$work/cg.txt" | grep -oE '[0-9]+') instructions"
    git reset -q --hard && git clean -qfd
  fi
  cd "$here"
done
