// Test support: a minimal Django project around a repository's apps, run with
// Debian's Django (/usr/bin/python3), for checks judged by real Django.
#pragma once
#include <string>
#include <vector>

#include "support/process.hpp"

namespace hc::test {

// True when /usr/bin/python3 can import django.
bool django_available();

// Writes settings (sqlite in the folder) and manage.py into `dir` for `apps`.
void write_django_project(const GitRepo& repo, const std::vector<std::string>& apps);

// Runs `manage.py ARGS` with Debian's Python.
ProcessResult manage(const GitRepo& repo, const std::vector<std::string>& args);

}  // namespace hc::test
