#include "support/django_project.hpp"

namespace hc::test {

const char* const kDebianPython = "/usr/bin/python3";

bool django_available() {
  TempDir tmp;
  return run_process({kDebianPython, "-c", "import django"}, tmp.path()).status == 0;
}

void write_django_project(const GitRepo& repo, const std::vector<std::string>& apps) {
  std::string installed;
  for (const auto& a : apps) installed += "\"" + a + "\", ";
  repo.write("testproject/__init__.py", "");
  repo.write("testproject/settings.py",
             "import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n"
             "SECRET_KEY = 'test'\nDEBUG = True\nUSE_TZ = True\n"
             "INSTALLED_APPS = [\"django.contrib.contenttypes\", \"django.contrib.auth\", " + installed + "]\n"
             "DATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": os.path.join(BASE_DIR, \"db.sqlite3\")}}\n"
             "DEFAULT_AUTO_FIELD = \"django.db.models.AutoField\"\n");
  repo.write("manage.py",
             "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'testproject.settings')\n"
             "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n");
  repo.write(".gitignore", "db.sqlite3\n__pycache__/\n");
}

ProcessResult manage(const GitRepo& repo, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kDebianPython, "manage.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, repo.dir(), "", {{"PYTHONDONTWRITEBYTECODE", "1"}});
}

}  // namespace hc::test
